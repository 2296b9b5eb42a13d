import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Serves the built editor at `/`, and its index.html for any other GET outside /api and /socket.io so
 * client-side routes survive a reload. Does nothing when the editor is not built.
 */
export function serveEditor(app: NestExpressApplication, editorDir: string): boolean {
  const index = join(editorDir, 'index.html');
  if (!existsSync(index)) return false;
  app.useStaticAssets(editorDir, { index: 'index.html', fallthrough: true });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || /^\/(api|socket\.io)(\/|$)/.test(req.path)) return next();
    res.sendFile(index);
  });
  return true;
}
