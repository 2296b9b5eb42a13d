// Reading and writing media: images, videos (ffmpeg), zips, PNG text chunks, embedded workflows.
export * from './media-error.js';
export * from './natural-sort.js';
export * from './png-text.js';
export * from './mp4-metadata.js';
export * from './embedded-workflow.js';
export * from './image-file.js';
export * from './zip-archive.js';
export * from './frame-zip.js';
export * from './zip-write.js';
export * from './ffmpeg.js';
export * from './video-read.js';
export * from './video-write.js';
