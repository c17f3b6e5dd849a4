import { metricValueFromJson, metricValueToJson } from '../../src/domain/metric';
import { MetricValueScalar } from '../../src/graphql/types/scalars';

describe('metric values as JSON', () => {
  it('send NaN and ±Infinity by name and finite numbers as they are', () => {
    expect([Number.NaN, Infinity, -Infinity, 0.5, -0, 1e308].map(metricValueToJson)).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
      0.5,
      -0,
      1e308,
    ]);
  });

  it('read back exactly those names and finite numbers, nothing else', () => {
    expect(metricValueFromJson('NaN')).toBeNaN();
    expect(metricValueFromJson('Infinity')).toBe(Infinity);
    expect(metricValueFromJson('-Infinity')).toBe(-Infinity);
    expect(metricValueFromJson(2)).toBe(2);
    for (const bad of ['nan', 'inf', '1', Infinity, null, true, {}]) expect(metricValueFromJson(bad)).toBeNull();
  });

  it('are what the MetricValue scalar parses and serializes', () => {
    expect(MetricValueScalar.parseValue('-Infinity')).toBe(-Infinity);
    expect(MetricValueScalar.serialize(Number.NaN)).toBe('NaN');
    expect(() => MetricValueScalar.parseValue('nan')).toThrow(/"NaN", "Infinity", "-Infinity"/);
  });
});
