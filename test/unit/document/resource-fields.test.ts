import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { resourceFields } from '../../../src/document/resource-fields';
import { getAppVersion } from '../../../src/resource/app-version';
import { getEnvironmentInfo } from '../../../src/resource/environment';
import { getMachineId } from '../../../src/resource/machine-id';

describe('resourceFields', () => {
  it('takes maquina_id from app.installation.id and app_version from service.version', () => {
    const fields = resourceFields(
      resourceFromAttributes({ 'app.installation.id': 'install-42', 'service.version': '9.8.7' }),
    );
    expect(fields.maquina_id).toBe('install-42');
    expect(fields.app_version).toBe('9.8.7');
  });

  it("falls back to the host's machine id and the application's version when the attributes are absent", () => {
    const fields = resourceFields(resourceFromAttributes({}));
    expect(fields.maquina_id).toBe(getMachineId());
    expect(fields.app_version).toBe(getAppVersion());
  });

  it.each<[string, unknown]>([
    ['empty', ''],
    ['a number', 42],
    ['a list', ['a']],
  ])('falls back when the attribute is %s', (_, value) => {
    const fields = resourceFields(
      resourceFromAttributes({ 'app.installation.id': value as never, 'service.version': value as never }),
    );
    expect(fields.maquina_id).toBe(getMachineId());
    expect(fields.app_version).toBe(getAppVersion());
  });

  it('describes the host in ambiente, whatever the resource says', () => {
    const fields = resourceFields(resourceFromAttributes({ 'os.type': 'plan9' }));
    expect(fields.ambiente).toEqual(getEnvironmentInfo());
  });

  it('computes the fields once per resource, and gives a frozen object', () => {
    const resource = resourceFromAttributes({ 'app.installation.id': 'a' });
    const first = resourceFields(resource);
    expect(resourceFields(resource)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(resourceFields(resourceFromAttributes({ 'app.installation.id': 'b' })).maquina_id).toBe('b');
  });
});
