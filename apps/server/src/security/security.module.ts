import { Global, Module } from '@nestjs/common';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import { AccessControl } from './access-control.js';

/** One AccessControl per server, shared by the HTTP middleware (installed in startServer) and the gateway. */
@Global()
@Module({
  providers: [{ provide: AccessControl, inject: [CONFIG], useFactory: (config: ServerConfig) => new AccessControl(config.security, config.host) }],
  exports: [AccessControl],
})
export class SecurityModule {}
