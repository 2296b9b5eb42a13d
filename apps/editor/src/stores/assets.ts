// Uploaded assets, shared by every asset picker.
import { ref } from 'vue';
import type { ApiClient } from '../api/client';
import type { Asset } from '../api/types';

export function createAssets(api: Pick<ApiClient, 'listAssets' | 'uploadAsset'>) {
  const assets = ref<Asset[]>([]);
  let loading: Promise<void> | null = null;

  async function refresh(): Promise<void> {
    assets.value = await api.listAssets();
  }

  /** Loads the list once; pickers mounted later reuse it. */
  function ensureLoaded(): Promise<void> {
    return (loading ??= refresh().catch(() => {
      loading = null; // try again next time a picker asks
    }));
  }

  async function upload(file: File): Promise<Asset> {
    const asset = await api.uploadAsset(file);
    // Content-addressed: uploading the same bytes again answers the same id.
    assets.value = [asset, ...assets.value.filter((a) => a.id !== asset.id)];
    return asset;
  }

  return { assets, ensureLoaded, refresh, upload };
}

export type AssetStore = ReturnType<typeof createAssets>;
