import { createRequire } from 'node:module';

/** The part of OpenCV.js this library uses; typed here so the package's large type tree is not needed. */
export interface CvMat {
  data: Uint8Array;
  data32F: Float32Array;
  rows: number;
  cols: number;
  delete(): void;
}
export interface OpenCv {
  Mat: new (rows?: number, cols?: number, type?: number) => CvMat;
  CV_8UC1: number;
  CV_32FC2: number;
  calcOpticalFlowFarneback(prev: CvMat, next: CvMat, flow: CvMat, pyrScale: number, levels: number, winsize: number, iterations: number, polyN: number, polySigma: number, flags: number): void;
}

interface EmscriptenModule {
  Mat?: unknown;
  onRuntimeInitialized?: () => void;
}

let loading: Promise<{ cv: OpenCv }> | undefined;

/**
 * Loads OpenCV's WebAssembly build once per process. The module object is a "thenable" that resolves to
 * itself, so awaiting it directly never settles; it is wrapped in a plain object and readiness is taken from
 * onRuntimeInitialized instead.
 */
export function loadOpenCv(): Promise<{ cv: OpenCv }> {
  loading ??= new Promise((resolve, reject) => {
    try {
      const module = createRequire(import.meta.url)('@techstark/opencv-js') as EmscriptenModule;
      if (module.Mat) resolve({ cv: module as unknown as OpenCv });
      else module.onRuntimeInitialized = () => resolve({ cv: module as unknown as OpenCv });
    } catch (error) {
      reject(new Error(`OpenCV.js (@techstark/opencv-js) could not be loaded: ${(error as Error).message}`));
    }
  });
  return loading;
}
