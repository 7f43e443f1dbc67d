import assert from 'node:assert/strict';
import { imageLocalityScore, normalizedImageName } from '.';

describe('scheduler/ImageLocality', () => {
  const MB = 1024 * 1024;
  it('normalizes a short image name as the kubelet reports it', () => {
    assert.equal(normalizedImageName('nginx'), 'docker.io/library/nginx:latest');
  });

  it('keeps a registry host and tag', () => {
    assert.equal(normalizedImageName('registry.k8s.io/pause:3.9'), 'registry.k8s.io/pause:3.9');
  });

  it('scores 0 below the 23 MB threshold', () => {
    assert.equal(imageLocalityScore(10 * MB, 1), 0);
  });

  it('scores 100 at 1000 MB per container', () => {
    assert.equal(imageLocalityScore(1000 * MB, 1), 100);
  });
});
