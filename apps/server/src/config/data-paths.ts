import { join } from 'node:path';

/** Where each kind of data lives inside the data dir; one place so the server and the CLI agree. */
export function dataPaths(dataDir: string) {
  return {
    database: join(dataDir, 'lvcd.sqlite'),
    assets: join(dataDir, 'assets'),
    cache: join(dataDir, 'cache'),
    runs: join(dataDir, 'runs'),
    /** Finished windows of LVCD nodes still running (or whose worker died), by cache key: a re-run resumes from them. */
    checkpoints: join(dataDir, 'checkpoints'),
    /** Frame previews on their way from a worker to the API, removed once sent. */
    spool: join(dataDir, 'spool'),
    /** Scale-out mode: frame previews on their way from a worker to every API instance, through this shared folder rather than Redis. */
    relay: join(dataDir, 'relay'),
    /** Scale-out mode: decode chunks crossing between workers (latents in, frames out), by run; removed when the run ends. */
    decode: join(dataDir, 'decode'),
    /** ONNX Runtime's optimised graphs of the models opened on the CPU (LVCD_GRAPH_CACHE), one entry per model file. */
    graphs: join(dataDir, 'graphs'),
  };
}
