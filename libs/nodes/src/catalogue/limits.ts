/** Limits on what a node may decode, so a hostile file fails its node instead of exhausting the machine. */
export const imageLimits = {
  /** 8192 x 8192: far above the model's 576 x 320 grid, far below a decompression bomb. */
  maxPixels: 8192 * 8192,
};
