import type { Response } from 'express';

/** The API's error shape, for refusals made in middleware before Nest's exception filter is reached. */
export function refuse(res: Response, status: number, message: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(status).json({ statusCode: status, message });
}

export const SIGN_IN_HINT = 'sign in at /login, or send "Authorization: Bearer <LVCD_AUTH_TOKEN>"';
