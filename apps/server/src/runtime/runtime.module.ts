import { Global, Module } from '@nestjs/common';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import { createRuntime } from './runtime.js';

/** Injection token of the Runtime (registry, asset store, output cache). */
export const RUNTIME = Symbol('Runtime');

@Global()
@Module({
  providers: [{ provide: RUNTIME, inject: [CONFIG], useFactory: (config: ServerConfig) => createRuntime(config) }],
  exports: [RUNTIME],
})
export class RuntimeModule {}
