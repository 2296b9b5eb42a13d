// The sketch ControlNet: hint encoder, encoder copy and zero convs, built on the UNet's blocks.
export * from './controlnet.js';
