import { BadRequestException, Controller, Get, Param, Post, Res, UploadedFile, UseFilters, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import { AssetIdPipe } from '../common/id-pipes.js';
import { sendFile } from '../http/send-file.js';
import { AssetsService } from './assets.service.js';
import { UploadTooLargeFilter } from './upload-too-large.filter.js';

/** The part of a multer file we use; multer's disk storage already wrote it under the asset store's temp folder. */
interface UploadedDiskFile {
  path: string;
  originalname: string;
}

@Controller('api/assets')
export class AssetsController {
  constructor(private readonly assets: AssetsService) {}

  @Post()
  @UseInterceptors(FileInterceptor('file'))
  @UseFilters(UploadTooLargeFilter)
  upload(@UploadedFile() file: UploadedDiskFile | undefined) {
    if (!file) throw new BadRequestException('send the file as multipart form data in the field "file"');
    return this.assets.adopt(file.path, file.originalname);
  }

  @Get()
  list() {
    return this.assets.list();
  }

  @Get(':id')
  async download(@Param('id', AssetIdPipe) id: string, @Res() res: Response): Promise<void> {
    const { asset, path } = await this.assets.open(id);
    await sendFile(res, path, { mime: asset.mime, name: asset.name, attachment: false });
  }
}
