import test from 'ava';
import { scramVerifier } from '../protocol/scramVerifier.ts';

test('SCRAM-SHA-256 verifiers match what PostgreSQL 15 stores for the same password and salt', (t) => {
  // Recorded from PostgreSQL 15: SET password_encryption = 'scram-sha-256'; CREATE ROLE r PASSWORD 'sekr3t';
  const fromPostgres = 'SCRAM-SHA-256$4096:pdqxgd8ANNDgruDBGkmTOw==$4GWsF1ju44wBYv2HhikXLXkaWP5Z01I/nzM5Tea9phw=:E/+MvFiHx8kpL9oQ73DQSyGh2xUrjG9Wvwtr1Tg8EZE=';
  t.is(scramVerifier('sekr3t', Buffer.from('pdqxgd8ANNDgruDBGkmTOw==', 'base64')), fromPostgres);
  t.not(scramVerifier('sekr3t'), scramVerifier('sekr3t'), 'a fresh random salt each time');
});
