import { describe, expectTypeOf, it } from 'vitest';
import type { B24User, BatchResults, Bitrix24Client, command } from '../../src/bitrix24/index.ts';

describe('method map types', () => {
  it('ties params and results to the method name', () => {
    const typed = (client: Bitrix24Client) => {
      expectTypeOf(client.call('user.current')).resolves.toEqualTypeOf<B24User>();
      expectTypeOf(client.call('user.get')).resolves.toEqualTypeOf<B24User[]>();
      expectTypeOf(
        client.call('im.message.add', { DIALOG_ID: 'chat1', MESSAGE: 'hi' }),
      ).resolves.toBeNumber();
      expectTypeOf(
        client.call('event.unbind', { event: 'ONUSERADD', handler: 'https://x' }),
      ).resolves.toEqualTypeOf<{
        count: number;
      }>();
      // @ts-expect-error user.update needs an ID
      void client.call('user.update');
      // @ts-expect-error ACTIVE is Y/N in user.update
      void client.call('user.update', { ID: 1, ACTIVE: 'maybe' });
      // @ts-expect-error not in the method map: use request()
      void client.call('crm.lead.list', {});
    };
    expectTypeOf(typed).toBeFunction();
  });

  it('types batch results per key', () => {
    type Out = BatchResults<{
      me: ReturnType<typeof command<'user.current'>>;
      n: ReturnType<typeof command<'im.message.add'>>;
    }>;
    expectTypeOf<Extract<Out['me'], { status: 'ok' }>['result']>().toEqualTypeOf<B24User>();
    expectTypeOf<Extract<Out['n'], { status: 'ok' }>['result']>().toEqualTypeOf<number>();
  });
});
