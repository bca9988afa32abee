import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../define/errors.ts';
import { contains, formatSubnet, freeSubnet, hostRange, intToIp, ipToInt, overlaps, parseSubnet4 } from './ipv4.ts';

test('addresses round-trip through numbers', () => {
  assert.equal(intToIp(ipToInt('10.88.0.1')), '10.88.0.1');
  assert.equal(intToIp(ipToInt('255.255.255.255')), '255.255.255.255');
  assert.throws(() => ipToInt('10.88.0.256'), InvalidArgumentError);
});

test('subnets are masked and checked', () => {
  assert.equal(formatSubnet(parseSubnet4('10.89.3.7/24')), '10.89.3.0/24');
  assert.throws(() => parseSubnet4('10.89.0.0/33'), InvalidArgumentError);
  assert.throws(() => parseSubnet4('nope'), InvalidArgumentError);
  assert.ok(contains(parseSubnet4('10.88.0.0/16'), ipToInt('10.88.200.3')));
  assert.ok(!contains(parseSubnet4('10.88.0.0/16'), ipToInt('10.89.0.3')));
});

test('overlap and host ranges', () => {
  assert.ok(overlaps(parseSubnet4('10.89.0.0/16'), parseSubnet4('10.89.4.0/24')));
  assert.ok(!overlaps(parseSubnet4('10.89.0.0/24'), parseSubnet4('10.89.1.0/24')));
  assert.deepEqual(hostRange(parseSubnet4('10.89.1.0/24')).map(intToIp), ['10.89.1.1', '10.89.1.254']);
});

test('free subnets skip the used ones', () => {
  const pools = [{ base: '10.89.0.0/16', size: 24 }];
  assert.equal(formatSubnet(freeSubnet(pools, [])!), '10.89.0.0/24');
  assert.equal(formatSubnet(freeSubnet(pools, [parseSubnet4('10.89.0.0/24'), parseSubnet4('10.89.1.0/25')])!), '10.89.2.0/24');
  assert.equal(freeSubnet(pools, [parseSubnet4('10.89.0.0/16')]), undefined);
});
