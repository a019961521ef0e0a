import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  CHROME_EXTENSION_ID,
  CHROME_EXTENSION_KEY,
  EXTENSION_ORIGIN_PATTERN,
} from '../src/extension-identity.ts';

it("is the id Chromium derives from the manifest's key", () => {
  const hex = createHash('sha256')
    .update(Buffer.from(CHROME_EXTENSION_KEY, 'base64'))
    .digest('hex')
    .slice(0, 32);
  expect([...hex].map((digit) => String.fromCharCode(97 + Number.parseInt(digit, 16))).join('')).toBe(
    CHROME_EXTENSION_ID,
  );
  expect(EXTENSION_ORIGIN_PATTERN.test(`chrome-extension://${CHROME_EXTENSION_ID}`)).toBe(true);
});
