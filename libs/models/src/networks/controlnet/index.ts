// The sketch ControlNet: hint encoder (in the graph or as its own), encoder copy and zero convs, built on the UNet's blocks.
export * from './controlnet.js';
export * from './hint-encoder.js';
