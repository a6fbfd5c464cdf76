import { ResponseError } from '@backstage/errors';
import { annotationProblem, explainError } from './errors';

const BAD_LISTENER =
  'resource:default/qm2 has invalid annotations: annotation mqcert.io/listener: port \'notaport\' is not between 1 and 65535; for example mqcert.io/listener: "qm1.mq.example.test:1414"';

async function responseError(status: number, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'InputError', message },
        request: { method: 'GET', url: '/x' },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

describe('annotationProblem', () => {
  it('names the annotation, its problem and the example the backend gave', () => {
    expect(annotationProblem(BAD_LISTENER)).toEqual({
      name: 'mqcert.io/listener',
      problem: "port 'notaport' is not between 1 and 65535",
      example: '"qm1.mq.example.test:1414"',
    });
  });

  it('reads a missing annotation', () => {
    expect(
      annotationProblem(
        'resource:default/qm2: rotation needs the annotation mqcert.io/vault-pki-role; add it to the entity, for example mqcert.io/vault-pki-role: pki_int/mq',
      ),
    ).toEqual({
      name: 'mqcert.io/vault-pki-role',
      problem: undefined,
      example: 'pki_int/mq',
    });
  });

  it('is undefined when no annotation is named', () => {
    expect(annotationProblem('bad request')).toBeUndefined();
  });
});

describe('explainError', () => {
  it('says which annotation is invalid and how to fix it on a 400', async () => {
    const explained = explainError(
      await responseError(400, BAD_LISTENER),
      'the certificates of resource:default/qm2',
    );
    expect(explained.kind).toBe('invalid');
    expect(explained.title).toBe(
      'The annotation mqcert.io/listener is invalid, so the MQ certificates backend refused to load the certificates of resource:default/qm2',
    );
    expect(explained.hint).toMatch(
      /^Fix mqcert.io\/listener in the entity's catalog-info.yaml/,
    );
    expect(explained.annotation?.name).toBe('mqcert.io/listener');
  });

  it('keeps the general hint for a 400 that names no annotation', async () => {
    const explained = explainError(await responseError(400, 'bad'), 'x');
    expect(explained.title).toBe(
      'The MQ certificates backend refused to load x',
    );
    expect(explained.annotation).toBeUndefined();
  });
});
