import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AccessControl } from './access-control.js';
import { authRoutes } from './auth-routes.js';
import { callerOf } from './caller.js';
import { authGate, hardeningHeaders, originGuard, runRateLimit } from './http-guards.js';

/**
 * Mounts the access checks in front of everything else (body parsing, the editor, the API), in the order
 * they must run: cheap refusals first, so an unauthenticated request never has its body parsed.
 */
export function installHttpSecurity(app: NestExpressApplication, access: AccessControl): void {
  app.use(hardeningHeaders());
  app.use(originGuard(access));
  app.use(authRoutes(access));
  app.use(authGate(access));
  app.use(runRateLimit(access, callerOf));
}
