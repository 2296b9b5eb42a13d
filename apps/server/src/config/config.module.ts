import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { ServerConfig } from './config.js';

/** Injection token of the resolved ServerConfig. */
export const CONFIG = Symbol('ServerConfig');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ServerConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }
}
