/**
 * The Chromium extension's identity. Chromium derives an extension's id from the public key in its
 * manifest's `key` (the SHA-256 of the DER key, first 32 hex digits written a–p), so every build and
 * every unpacked install has the same id and origin, and the API can allow exactly that origin by default
 * (EXTENSION_ORIGINS). Only the public half exists: the id needs nothing else. A store listing has the
 * store's own id; its origin is added to EXTENSION_ORIGINS (README, Configuration).
 */
export const CHROME_EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAy1bUy/9tqkEHPpnprdv48vvTj9r/yexRKrnj9S1cDV7ZEf8UIUQO4FPTEpqSowfdBIQ/GRglejmqFvsT9vVfAY3ruImf8NjF5o8coLDwMU6cGlOSeWNegkgUqEm73OO5diu6LjQdMHyZoxB5Jl+BwYPk1R1y7t63HjlojOXVBAV6oUl7JsAGKG2pd2GgVKwZ5BFXpSCCfe/gMSYfLxus8qABK7lClFRf6ha/FVwfNp3GEXclLXjflrfPiBTSLIEmJM7WfCb/OMPutnNT/2L1YMNM32cfvIleK8zeuXZ4s+FkkP0f5EC5NbEfjtpGwWHH30YSXC0Bu6C0qcx//8mc4QIDAQAB';

/** Derived from CHROME_EXTENSION_KEY (test/extension-identity.test.ts recomputes it). */
export const CHROME_EXTENSION_ID = 'lohpadeeablnjglmnnbeifbpjeeajjji';

export const CHROME_EXTENSION_ORIGIN = `chrome-extension://${CHROME_EXTENSION_ID}`;

/** An extension origin: Chromium's 32 letters a–p, or Firefox's per-installation UUID. */
export const EXTENSION_ORIGIN_PATTERN =
  /^(chrome-extension:\/\/[a-p]{32}|moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
