import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

type Sdk = typeof import('../../packages/api/node_modules/@bitrix24/b24jssdk');
export type SdkHook = InstanceType<Sdk['B24Hook']>;

/** The SDK is a devDependency of packages/api, so it is resolved from there. */
const requireFromApi = createRequire(new URL('../../packages/api/package.json', import.meta.url));
const sdk = (await import(pathToFileURL(requireFromApi.resolve('@bitrix24/b24jssdk')).href)) as Sdk;

/**
 * A `B24Hook` for a sandbox webhook. The SDK only speaks https (the constructor prepends `https://`),
 * so an axios interceptor turns the URL back to the sandbox's http, as packages/api/src/bitrix24/README.md
 * describes. Its limiter keeps its defaults: the documented standard plan (burst 50, drain 2/s).
 */
export function sdkHook(webhookUrl: string): SdkHook {
  const url = new URL(webhookUrl);
  const [, , userId, secret] = url.pathname.split('/');
  const hook = new sdk.B24Hook({ b24Url: url.origin, userId: Number(userId), secret: secret ?? '' });
  hook.offClientSideWarning();
  hook.getHttpClient(sdk.ApiVersion.v2).ajaxClient.interceptors.request.use((config: { url?: string }) => {
    if (config.url) config.url = config.url.replace(/^https:/, 'http:');
    return config;
  });
  return hook;
}
