import test from 'ava';
import { defaultSettings, GucError, normalizeSetting, parseConf } from '../utils/guc.ts';

test('actorgres.conf is read with postgresql.conf syntax: =, quotes, comments, units, booleans, custom names', (t) => {
  const conf = [
    '# a comment',
    'port = 6543',
    "redis_key_prefix 'app1:'   # no equals sign is fine",
    "shared_preload_libraries = 'a.js, b.js'",
    'supervisor_restart_window = 2min',
    'shutdown_timeout = 1500ms',
    'restart_after_crash = false',
    'log_min_messages = LOG',
    "myext.greeting = 'it''s here'",
    '',
  ].join('\n');
  t.deepEqual(parseConf(conf, 'actorgres.conf'), {
    port: '6543',
    redis_key_prefix: 'app1:',
    shared_preload_libraries: 'a.js, b.js',
    supervisor_restart_window: '120000',
    shutdown_timeout: '1500',
    restart_after_crash: 'off',
    log_min_messages: 'log',
    'myext.greeting': "it's here",
  });
});

test('a bad line is reported as file:line with its SQLSTATE', (t) => {
  const cases: Array<[string, RegExp, GucError['sqlstate']]> = [
    ['port = 5432\nno_such_setting = 1', /^x\.conf:2: unrecognized configuration parameter "no_such_setting"$/, '42704'],
    ['port = many', /^x\.conf:1: invalid value for parameter "port": "many"$/, '22023'],
    ['port = 70000', /^x\.conf:1: 70000 is outside the valid range for parameter "port" \(1 \.\. 65535\)$/, '22023'],
    ['\n\nrestart_after_crash = maybe', /^x\.conf:3: parameter "restart_after_crash" requires a Boolean value$/, '22023'],
    ["redis_url = 'unterminated", /^x\.conf:1: unterminated quoted string$/, '42601'],
    ['port = 1 2', /^x\.conf:1: syntax error near "2"$/, '42601'],
    ['= 3', /^x\.conf:1: syntax error/, '42601'],
    ['shutdown_timeout = 3 fortnights', /^x\.conf:1: syntax error near "fortnights"$/, '42601'],
    ['log_min_messages = chatty', /^x\.conf:1: invalid value for parameter "log_min_messages"/, '22023'],
  ];
  for (const [text, message, sqlstate] of cases) {
    const err = t.throws(() => parseConf(text, 'x.conf'), { instanceOf: GucError, message });
    t.is(err?.sqlstate, sqlstate, text);
  }
});

test('defaults exist for every setting and normalize to themselves', (t) => {
  for (const [name, value] of Object.entries(defaultSettings())) t.deepEqual(normalizeSetting(name, value), [name, value]);
});
