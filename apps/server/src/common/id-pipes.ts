import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { ASSET_ID_PATTERN } from '@lvcd/nodes';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Workflow, run and artefact ids are server-made UUIDs; anything else (a path, a number) is refused before any lookup. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw new BadRequestException(`"${value.slice(0, 60)}" is not a valid id`);
    return value;
  }
}

/** Asset ids are sha256 hex digests of the file's bytes. */
@Injectable()
export class AssetIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!ASSET_ID_PATTERN.test(value)) throw new BadRequestException(`"${value.slice(0, 60)}" is not a valid asset id (64 hex digits)`);
    return value;
  }
}

@Injectable()
export class PositiveIntPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,8}$/.test(value)) throw new BadRequestException(`"${value.slice(0, 60)}" is not a version number`);
    return Number(value);
  }
}
