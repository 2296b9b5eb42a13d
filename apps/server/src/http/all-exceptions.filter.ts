import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

/** What express's body parser (a body over the limit) and multer attach to their errors. */
interface StatusError {
  status?: number;
  statusCode?: number;
  message?: string;
}

/**
 * Every HTTP error leaves as `{ statusCode, message, problems? }`. Client mistakes that reach us as plain
 * errors (a body parser's 400/413) keep their 4xx; only a real fault of ours is a 500, logged and with no detail.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.describe(exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).json(body);
  }

  private describe(exception: unknown): { status: number; body: Record<string, unknown> } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const answer = exception.getResponse();
      if (typeof answer === 'string') return { status, body: { statusCode: status, message: answer } };
      const { message, problems } = answer as { message?: unknown; problems?: unknown };
      const text = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
      return { status, body: { statusCode: status, message: text, ...(problems ? { problems } : {}) } };
    }
    const e = exception as StatusError | undefined;
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { status, body: { statusCode: status, message: e?.message ?? 'bad request' } };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { statusCode: 500, message: 'internal server error' } };
  }
}
