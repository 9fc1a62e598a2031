/** permessage-deflate negotiation (RFC 7692 §5, §7.1) as tables: header grammar, the server's choice, the client's checks. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HandshakeError } from '../../src/protocol/index.js';
import {
  acceptDeflateOffer,
  buildDeflateOffer,
  checkDeflateOptions,
  checkDeflateResponse,
  formatExtension,
  localDeflateParams,
  parseExtensions,
  type DeflateParams,
  type PerMessageDeflateOptions,
} from '../../src/protocol/extensions/permessage-deflate.js';

const DEFAULTS: DeflateParams = { serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15 };
const params = (changes: Partial<DeflateParams>): DeflateParams => ({ ...DEFAULTS, ...changes });

describe('parseExtensions: RFC 6455 §9.1 grammar', () => {
  const valid: Array<[string, ReturnType<typeof parseExtensions>]> = [
    ['', []],
    ['   ', []],
    ['permessage-deflate', [{ name: 'permessage-deflate', params: [] }]],
    ['permessage-deflate; client_max_window_bits', [{ name: 'permessage-deflate', params: [['client_max_window_bits', true]] }]],
    [
      'permessage-deflate;client_max_window_bits=10;server_no_context_takeover',
      [
        {
          name: 'permessage-deflate',
          params: [
            ['client_max_window_bits', '10'],
            ['server_no_context_takeover', true],
          ],
        },
      ],
    ],
    ['permessage-deflate; server_max_window_bits="10"', [{ name: 'permessage-deflate', params: [['server_max_window_bits', '10']] }]],
    ['permessage-deflate; server_max_window_bits="1\\0"', [{ name: 'permessage-deflate', params: [['server_max_window_bits', '10']] }]],
    ['permessage-deflate ;\tserver_max_window_bits = 12 ', [{ name: 'permessage-deflate', params: [['server_max_window_bits', '12']] }]],
    [
      'foo; bar=baz, permessage-deflate; server_max_window_bits=10, permessage-deflate',
      [
        { name: 'foo', params: [['bar', 'baz']] },
        { name: 'permessage-deflate', params: [['server_max_window_bits', '10']] },
        { name: 'permessage-deflate', params: [] },
      ],
    ],
    // RFC 9110 §5.6.1: empty list elements are ignored.
    [
      ', permessage-deflate,, x-webkit-deflate-frame ,',
      [
        { name: 'permessage-deflate', params: [] },
        { name: 'x-webkit-deflate-frame', params: [] },
      ],
    ],
  ];
  for (const [header, expected] of valid) {
    test(`parses ${JSON.stringify(header)}`, () => assert.deepEqual(parseExtensions(header), expected));
  }

  const invalid: Array<[string, RegExp]> = [
    ['permessage-deflate;', /expected a parameter name at offset 19/],
    ['permessage-deflate; =10', /expected a parameter name/],
    ['permessage-deflate; a=', /expected a value for a/],
    ['permessage-deflate; a="10', /unterminated quoted string/],
    ['permessage-deflate; a="1 0"', /is not a token/],
    ['permessage-deflate; a=""', /is not a token/],
    ['permessage-deflate x', /unexpected character at offset 19/],
    ['permessage-deflate; a=1 2', /unexpected character/],
    ['"permessage-deflate"', /expected an extension name at offset 0/],
    ['permessage-deflate; a=(10)', /expected a value for a/],
    ['pérmessage-deflate', /unexpected character at offset 1/],
  ];
  for (const [header, message] of invalid) {
    test(`refuses ${JSON.stringify(header)}`, () =>
      assert.throws(
        () => parseExtensions(header),
        (error: unknown) => error instanceof SyntaxError && message.test(error.message),
      ));
  }
});

describe('acceptDeflateOffer: the server picks the first acceptable offer (RFC 7692 §7.1)', () => {
  // [client header, server options, expected response or undefined, expected params]
  const table: Array<[string, PerMessageDeflateOptions, string | undefined, DeflateParams?]> = [
    ['permessage-deflate', {}, 'permessage-deflate', DEFAULTS],
    ['permessage-deflate; client_max_window_bits', {}, 'permessage-deflate', DEFAULTS],
    ['permessage-deflate; client_max_window_bits=10', {}, 'permessage-deflate; client_max_window_bits=10', params({ clientMaxWindowBits: 10 })],
    ['permessage-deflate; server_no_context_takeover', {}, 'permessage-deflate; server_no_context_takeover', params({ serverNoContextTakeover: true })],
    ['permessage-deflate; client_no_context_takeover', {}, 'permessage-deflate; client_no_context_takeover', params({ clientNoContextTakeover: true })],
    ['permessage-deflate; server_max_window_bits=9', {}, 'permessage-deflate; server_max_window_bits=9', params({ serverMaxWindowBits: 9 })],
    ['permessage-deflate; server_max_window_bits=8', {}, 'permessage-deflate; server_max_window_bits=8', params({ serverMaxWindowBits: 8 })],
    // Server options add parameters the client did not ask for (§7.1.1.1, §7.1.1.2, §7.1.2.1).
    ['permessage-deflate', { serverNoContextTakeover: true }, 'permessage-deflate; server_no_context_takeover', params({ serverNoContextTakeover: true })],
    ['permessage-deflate', { clientNoContextTakeover: true }, 'permessage-deflate; client_no_context_takeover', params({ clientNoContextTakeover: true })],
    ['permessage-deflate', { serverMaxWindowBits: 11 }, 'permessage-deflate; server_max_window_bits=11', params({ serverMaxWindowBits: 11 })],
    // The smaller of the two windows wins.
    [
      'permessage-deflate; server_max_window_bits=10',
      { serverMaxWindowBits: 12 },
      'permessage-deflate; server_max_window_bits=10',
      params({ serverMaxWindowBits: 10 }),
    ],
    [
      'permessage-deflate; server_max_window_bits=13',
      { serverMaxWindowBits: 12 },
      'permessage-deflate; server_max_window_bits=12',
      params({ serverMaxWindowBits: 12 }),
    ],
    [
      'permessage-deflate; client_max_window_bits',
      { clientMaxWindowBits: 9 },
      'permessage-deflate; client_max_window_bits=9',
      params({ clientMaxWindowBits: 9 }),
    ],
    [
      'permessage-deflate; client_max_window_bits=12',
      { clientMaxWindowBits: 9 },
      'permessage-deflate; client_max_window_bits=9',
      params({ clientMaxWindowBits: 9 }),
    ],
    [
      'permessage-deflate; client_max_window_bits=9',
      { clientMaxWindowBits: 12 },
      'permessage-deflate; client_max_window_bits=9',
      params({ clientMaxWindowBits: 9 }),
    ],
    // §7.1.2.2: no client_max_window_bits in the offer, none in the response: a server that must cap the client declines.
    ['permessage-deflate', { clientMaxWindowBits: 10 }, undefined],
    [
      'permessage-deflate, permessage-deflate; client_max_window_bits',
      { clientMaxWindowBits: 10 },
      'permessage-deflate; client_max_window_bits=10',
      params({ clientMaxWindowBits: 10 }),
    ],
    // Everything at once.
    [
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11',
      {},
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11',
      { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 11 },
    ],
    // §5: invalid offers are declined, one by one; the next valid one is taken.
    ['permessage-deflate; server_max_window_bits=7, permessage-deflate', {}, 'permessage-deflate', DEFAULTS],
    ['permessage-deflate; server_max_window_bits=16', {}, undefined],
    ['permessage-deflate; server_max_window_bits=010', {}, undefined],
    ['permessage-deflate; server_max_window_bits', {}, undefined],
    ['permessage-deflate; client_max_window_bits=0x0a', {}, undefined],
    ['permessage-deflate; server_no_context_takeover=1', {}, undefined],
    ['permessage-deflate; server_no_context_takeover; server_no_context_takeover', {}, undefined],
    ['permessage-deflate; client_max_window_bits; client_max_window_bits=10', {}, undefined],
    ['permessage-deflate; unknown_param', {}, undefined],
    ['permessage-deflate; Server_No_Context_Takeover', {}, undefined],
    ['permessage-deflate; server_max_window_bits="10"', {}, 'permessage-deflate; server_max_window_bits=10', params({ serverMaxWindowBits: 10 })],
    // Other extensions are skipped; no permessage-deflate means no compression.
    ['x-webkit-deflate-frame', {}, undefined],
    ['', {}, undefined],
    [
      'x-webkit-deflate-frame; no_context_takeover, permessage-deflate; server_max_window_bits=12',
      {},
      'permessage-deflate; server_max_window_bits=12',
      params({ serverMaxWindowBits: 12 }),
    ],
  ];
  for (const [header, options, response, expected] of table) {
    test(`${JSON.stringify(header)} with ${JSON.stringify(options)} → ${response ?? 'declined'}`, () => {
      const accepted = acceptDeflateOffer(header, options);
      if (response === undefined) {
        assert.equal(accepted, undefined);
        return;
      }
      assert.equal(accepted?.response, response);
      assert.deepEqual(accepted?.params, expected);
      // The response, read back by a client that made this offer, gives the same agreement.
      const clientView = checkDeflateResponse(response, clientOptionsFor(header, options));
      assert.deepEqual(clientView, expected);
    });
  }

  test('a header that breaks the grammar fails the handshake with 400', () => {
    assert.throws(
      () => acceptDeflateOffer('permessage-deflate; a="1'),
      (error: unknown) =>
        error instanceof HandshakeError &&
        error.status === 400 &&
        error.code === 'WS_ERR_INVALID_EXTENSION' &&
        /unterminated quoted string/.test(error.message),
    );
  });
});

/** The client options behind the offer the server took: the first one it accepts on its own. */
function clientOptionsFor(header: string, serverOptions: PerMessageDeflateOptions): PerMessageDeflateOptions {
  const chosen = parseExtensions(header).find(
    (element) => element.name === 'permessage-deflate' && acceptDeflateOffer(formatExtension(element), serverOptions),
  );
  assert.ok(chosen);
  const options: PerMessageDeflateOptions = { clientMaxWindowBits: false };
  for (const [name, value] of chosen.params) {
    if (name === 'server_no_context_takeover') options.serverNoContextTakeover = true;
    if (name === 'client_no_context_takeover') options.clientNoContextTakeover = true;
    if (name === 'server_max_window_bits') options.serverMaxWindowBits = Number(value);
    if (name === 'client_max_window_bits') options.clientMaxWindowBits = value === true ? true : Number(value);
  }
  return options;
}

describe('buildDeflateOffer: the client offer', () => {
  const table: Array<[PerMessageDeflateOptions, string]> = [
    [{}, 'permessage-deflate; client_max_window_bits'],
    [{ clientMaxWindowBits: false }, 'permessage-deflate'],
    [{ clientMaxWindowBits: 10 }, 'permessage-deflate; client_max_window_bits=10'],
    [
      { serverNoContextTakeover: true, clientNoContextTakeover: true },
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits',
    ],
    [{ serverMaxWindowBits: 8, clientMaxWindowBits: 8 }, 'permessage-deflate; server_max_window_bits=8; client_max_window_bits=8'],
    [{ serverNoContextTakeover: false, clientNoContextTakeover: false, clientMaxWindowBits: true }, 'permessage-deflate; client_max_window_bits'],
  ];
  for (const [options, offer] of table) {
    test(`${JSON.stringify(options)} → ${offer}`, () => assert.equal(buildDeflateOffer(options), offer));
  }

  for (const bad of [7, 16, 10.5, Number.NaN]) {
    test(`window bits ${bad} are refused before anything is sent`, () => {
      assert.throws(() => buildDeflateOffer({ serverMaxWindowBits: bad }), RangeError);
      assert.throws(() => checkDeflateOptions({ clientMaxWindowBits: bad }), /clientMaxWindowBits must be an integer from 8 to 15/);
    });
  }
});

describe('checkDeflateResponse: the client fails the connection on anything its offer did not allow', () => {
  const accepted: Array<[PerMessageDeflateOptions, string, DeflateParams | undefined]> = [
    [{}, '', undefined],
    [{}, 'permessage-deflate', DEFAULTS],
    [{}, 'permessage-deflate; client_max_window_bits=9', params({ clientMaxWindowBits: 9 })],
    [{}, 'permessage-deflate; server_max_window_bits=8', params({ serverMaxWindowBits: 8 })],
    // §7.1.1.2: the server may add client_no_context_takeover unasked; the client complies.
    [{}, 'permessage-deflate; client_no_context_takeover', params({ clientNoContextTakeover: true })],
    [{}, 'permessage-deflate; server_no_context_takeover', params({ serverNoContextTakeover: true })],
    // The client keeps its own promise even when the server does not echo it.
    [{ clientNoContextTakeover: true }, 'permessage-deflate', params({ clientNoContextTakeover: true })],
    // A capped client uses its cap when the server says nothing, the server's value when smaller.
    [{ clientMaxWindowBits: 10 }, 'permessage-deflate', params({ clientMaxWindowBits: 10 })],
    [{ clientMaxWindowBits: 10 }, 'permessage-deflate; client_max_window_bits=10', params({ clientMaxWindowBits: 10 })],
    [{ clientMaxWindowBits: 10 }, 'permessage-deflate; client_max_window_bits=9', params({ clientMaxWindowBits: 9 })],
    [{ serverMaxWindowBits: 10 }, 'permessage-deflate; server_max_window_bits=10', params({ serverMaxWindowBits: 10 })],
    [{ serverMaxWindowBits: 10 }, 'permessage-deflate; server_max_window_bits=8', params({ serverMaxWindowBits: 8 })],
    [{ serverNoContextTakeover: true }, 'permessage-deflate; server_no_context_takeover', params({ serverNoContextTakeover: true })],
    [{}, 'permessage-deflate; server_max_window_bits="12"', params({ serverMaxWindowBits: 12 })],
  ];
  for (const [options, header, expected] of accepted) {
    test(`offer ${JSON.stringify(options)}, answer ${JSON.stringify(header)} → accepted`, () =>
      assert.deepEqual(checkDeflateResponse(header, options), expected));
  }

  const refused: Array<[PerMessageDeflateOptions, string, RegExp]> = [
    [{ clientMaxWindowBits: false }, 'permessage-deflate; client_max_window_bits=10', /client_max_window_bits was not offered/],
    [{}, 'permessage-deflate; client_max_window_bits', /client_max_window_bits needs a value/],
    [{ clientMaxWindowBits: 10 }, 'permessage-deflate; client_max_window_bits=11', /client_max_window_bits=11 is larger than the 10 offered/],
    [{ serverMaxWindowBits: 10 }, 'permessage-deflate; server_max_window_bits=11', /server_max_window_bits=11 is larger than the 10 requested/],
    [{ serverMaxWindowBits: 10 }, 'permessage-deflate', /server_max_window_bits was requested and is missing/],
    [{ serverNoContextTakeover: true }, 'permessage-deflate', /server_no_context_takeover was requested and is missing/],
    [{}, 'permessage-deflate; server_max_window_bits=7', /invalid server_max_window_bits value "7"/],
    [{}, 'permessage-deflate; server_max_window_bits=16', /invalid server_max_window_bits value "16"/],
    [{}, 'permessage-deflate; client_max_window_bits=5', /invalid client_max_window_bits value "5"/],
    [{}, 'permessage-deflate; server_max_window_bits', /server_max_window_bits needs a value/],
    [{}, 'permessage-deflate; server_no_context_takeover; server_no_context_takeover', /duplicate parameter server_no_context_takeover/],
    [{}, 'permessage-deflate; client_no_context_takeover=true', /client_no_context_takeover takes no value/],
    [{}, 'permessage-deflate; mystery', /unknown parameter mystery/],
    [{}, 'permessage-deflate, permessage-deflate', /more than one extension accepted/],
    [{}, 'x-webkit-deflate-frame', /extension x-webkit-deflate-frame was not offered/],
    [{}, 'permessage-deflate; ', /expected a parameter name/],
  ];
  for (const [options, header, message] of refused) {
    test(`offer ${JSON.stringify(options)}, answer ${JSON.stringify(header)} → fails`, () => {
      assert.throws(
        () => checkDeflateResponse(header, options),
        (error: unknown) => error instanceof HandshakeError && error.code === 'WS_ERR_INVALID_EXTENSION' && error.status === 101 && message.test(error.message),
      );
    });
  }
});

test('localDeflateParams: each end compresses with its own half and inflates with the peer’s', () => {
  const agreed: DeflateParams = { serverNoContextTakeover: true, clientNoContextTakeover: false, serverMaxWindowBits: 9, clientMaxWindowBits: 12 };
  assert.deepEqual(localDeflateParams(agreed, 'server'), {
    deflateNoContextTakeover: true,
    deflateWindowBits: 9,
    inflateNoContextTakeover: false,
    inflateWindowBits: 12,
  });
  assert.deepEqual(localDeflateParams(agreed, 'client'), {
    deflateNoContextTakeover: false,
    deflateWindowBits: 12,
    inflateNoContextTakeover: true,
    inflateWindowBits: 9,
  });
});
