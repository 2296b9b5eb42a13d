import 'reflect-metadata';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import type { ServerConfig } from './config/config.js';
import { AllExceptionsFilter } from './http/all-exceptions.filter.js';
import { serveEditor } from './http/editor-static.js';
import { RedisIoAdapter } from './scale/redis-io-adapter.js';
import { AccessControl } from './security/access-control.js';
import { secretScan } from './security/http-guards.js';
import { installHttpSecurity } from './security/install-http-security.js';
import { accessSummary, assertListenAllowed } from './security/listen-guard.js';

export interface StartOptions {
  /** Nest log levels; tests pass ['error']. */
  logger?: LogLevel[];
  /** Close cleanly on SIGINT/SIGTERM (the CLI wants this, tests do not). */
  shutdownHooks?: boolean;
}

/** Builds the app, binds it and returns it; `app.getUrl()` gives the address (port 0 picks a free one). */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<NestExpressApplication> {
  assertListenAllowed(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    // Route listings and module start-up lines are noise for users; warnings and errors still show.
    logger: options.logger ?? ['warn', 'error'],
  });
  // Host, Origin and sign-in checks come before anything reads the body or serves a file.
  const access = app.get(AccessControl);
  installHttpSecurity(app, access);
  // Our own JSON parser so the size limit is ours; its errors (malformed, too large) become 4xx in the filter.
  app.useBodyParser('json', { limit: config.jsonBodyLimitBytes });
  app.use(secretScan(access));
  app.useGlobalFilters(new AllExceptionsFilter());
  app.disable('x-powered-by');
  if (config.redisUrl) app.useWebSocketAdapter(new RedisIoAdapter(app, config.redisUrl));
  const editor = serveEditor(app, config.editorDir);
  if (options.shutdownHooks) app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  console.log(`LVCD Studio listening on ${await app.getUrl()}${editor ? '' : ' (API only: the editor is not built)'}\n${accessSummary(config)}`);
  return app;
}
