import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { autoAttachMode, positiveSeconds } from '../src/logic/settings';

describe('small setting readers', () => {
  it('autoAttach defaults to ask', () => {
    assert.equal(autoAttachMode('always'), 'always');
    assert.equal(autoAttachMode('never'), 'never');
    assert.equal(autoAttachMode('sometimes'), 'ask');
  });

  it('positiveSeconds', () => {
    assert.equal(positiveSeconds(2.5), 2.5);
    assert.equal(positiveSeconds(0), undefined);
    assert.equal(positiveSeconds('5'), undefined);
  });
});
