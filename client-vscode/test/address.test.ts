import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAddress, isLoopbackHost, parseAddress } from '../src/logic/address';

function target(input: string): string {
  const parsed = parseAddress(input);
  assert.ok(parsed.ok, `expected ${input} to parse: ${parsed.ok ? '' : parsed.error}`);
  return parsed.target;
}

function error(input: string): string {
  const parsed = parseAddress(input);
  assert.ok(!parsed.ok, `expected ${input} to be refused`);
  return parsed.error;
}

describe('parseAddress', () => {
  it('takes host:port as the server does', () => {
    assert.equal(target('127.0.0.1:9229'), '127.0.0.1:9229');
    assert.equal(target('  localhost:9230 '), 'localhost:9230');
    assert.equal(target('[::1]:9229'), '[::1]:9229');
  });

  it('reads a bare port or :port as a port on 127.0.0.1', () => {
    assert.equal(target('9229'), '127.0.0.1:9229');
    assert.equal(target(':9231'), '127.0.0.1:9231');
  });

  it('keeps websocket URLs and js-debug addresses as they are', () => {
    const url = 'ws://127.0.0.1:9229/0f2c-11aa';
    assert.equal(target(url), url);
    assert.equal(target('js-debug://127.0.0.1:53111/abc'), 'js-debug://127.0.0.1:53111/abc');
  });

  it('takes the ws= parameter of a DevTools link', () => {
    assert.equal(
      target('devtools://devtools/bundled/js_app.html?experiments=true&v8only=true&ws=127.0.0.1:9229/0f2c'),
      'ws://127.0.0.1:9229/0f2c',
    );
  });

  it('turns an http inspector address into host:port', () => {
    assert.equal(target('http://127.0.0.1:9229/json/list'), '127.0.0.1:9229');
  });

  it('reads pid:N as a process id', () => {
    assert.equal(target('pid:4242'), '4242');
    assert.equal(target('PID 17'), '17');
  });

  it('passes a js-debug proxy JSON through after checking it', () => {
    assert.equal(target('{"host":"127.0.0.1","port":53111,"path":"/x"}'), '{"host":"127.0.0.1","port":53111,"path":"/x"}');
    assert.match(error('{"host":"127.0.0.1"}'), /"port"/);
    assert.match(error('{nope'), /not valid JSON/);
  });

  it('explains what is wrong in one sentence', () => {
    assert.match(error(''), /Enter an inspector address/);
    assert.match(error('127.0.0.1:70000'), /Port 70000 is out of range/);
    assert.match(error('0'), /out of range/);
    assert.match(error('ftp://127.0.0.1:21'), /cannot attach through ftp/);
    assert.match(error('ws://127.0.0.1/abc'), /needs a host and a port/);
    assert.match(error('http://127.0.0.1'), /needs a port/);
    assert.match(error('my laptop'), /not an inspector address/);
    assert.match(error('devtools://devtools/bundled/js_app.html'), /no ws= parameter/);
  });
});

describe('checkAddress', () => {
  it('refuses remote hosts unless the setting allows them, naming the setting', () => {
    const refused = checkAddress('10.0.0.5:9229', false);
    assert.ok(!refused.ok);
    assert.match(refused.error, /heapscope\.allowRemoteHosts/);
    assert.ok(!checkAddress('ws://example.com:9229/x', false).ok);
    assert.ok(checkAddress('10.0.0.5:9229', true).ok);
    assert.ok(checkAddress('localhost:9229', false).ok);
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback literals and localhost, and nothing else', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', 'LOCALHOST']) {
      assert.ok(isLoopbackHost(host), host);
    }
    for (const host of ['10.0.0.1', '127.0.0.256', 'localhost.evil.com', '0.0.0.0', 'example.com', '::']) {
      assert.ok(!isLoopbackHost(host), host);
    }
  });
});
