import * as ort from 'onnxruntime-node';

// ONNX Runtime reads its log level when its environment starts, at the first session: setting it here, where
// the studio takes ONNX Runtime from, keeps the expected failure to load the CUDA provider on machines without
// one from printing an alarming error line.
ort.env.logLevel = 'fatal';

export { ort };
