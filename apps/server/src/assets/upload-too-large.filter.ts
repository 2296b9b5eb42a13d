import { Catch, Inject, PayloadTooLargeException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';

/**
 * Multer's own refusal says only "File too large"; this one names the limit and the setting that raises it.
 * Our own 413s (image dimensions, frame counts) already say so and pass through unchanged.
 */
@Catch(PayloadTooLargeException)
export class UploadTooLargeFilter implements ExceptionFilter {
  private readonly limitBytes: number;

  constructor(@Inject(CONFIG) config: ServerConfig) {
    this.limitBytes = config.uploadLimitBytes;
  }

  catch(exception: PayloadTooLargeException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const fromMulter = exception.message === 'File too large';
    const message = fromMulter
      ? `the file is too large: over the upload limit of ${Math.round(this.limitBytes / (1024 * 1024))} MB (LVCD_UPLOAD_LIMIT_MB sets it)`
      : exception.message;
    if (!res.headersSent) res.status(413).json({ statusCode: 413, message });
  }
}
