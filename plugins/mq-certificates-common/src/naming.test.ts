import {
  defaultCertificateLabel,
  mqChannelSniHostname,
  quoteMqscString,
  validateCertificateLabel,
  validateChannelName,
  validateQueueManagerName,
} from './naming';

describe('validateQueueManagerName', () => {
  it.each(['QM1', 'qm1', 'QM.A/B_C%D', 'A', 'Q'.repeat(48)])(
    'accepts %s',
    n => {
      expect(validateQueueManagerName(n)).toBe(n);
    },
  );

  it.each([
    ['QM 1', /contains space/],
    ['QM-1', /contains "-"/],
    ['Q'.repeat(49), /49 characters; MQ allows at most 48/],
    ["QM'1", /contains "'"/],
    ['QM(1)', /contains "\(", "\)"/],
    ['QM"1', /contains "\\""/],
    ['', /name is required/],
  ])('rejects %j', (n, message) => {
    expect(() => validateQueueManagerName(n)).toThrow(message);
  });

  it('names the field in the error', () => {
    expect(() =>
      validateQueueManagerName('bad name', 'input.queueManager'),
    ).toThrow(/^input\.queueManager: /);
  });

  it('rejects non-strings', () => {
    expect(() => validateQueueManagerName(undefined)).toThrow(/required/);
    expect(() => validateQueueManagerName(42 as any)).toThrow(/required/);
  });
});

describe('validateChannelName', () => {
  it.each(['DEV.APP.SVRCONN', 'TO.QMGR1', 'C'.repeat(20)])('accepts %s', n => {
    expect(validateChannelName(n)).toBe(n);
  });
  it.each([
    ['DEV APP', /space/],
    ['DEV-APP', /"-"/],
    ['C'.repeat(21), /21 characters; MQ allows at most 20/],
    ["A'B", /"'"/],
    ['A(B)', /"\("/],
  ])('rejects %j', (n, message) => {
    expect(() => validateChannelName(n)).toThrow(message);
  });
});

describe('defaultCertificateLabel', () => {
  it('lower-cases the queue manager name after ibmwebspheremq', () => {
    expect(defaultCertificateLabel('QM1')).toBe('ibmwebspheremqqm1');
    expect(defaultCertificateLabel('Qm.Test%1')).toBe(
      'ibmwebspheremqqm.test%1',
    );
  });
  it('validates the queue manager name', () => {
    expect(() => defaultCertificateLabel('QM 1')).toThrow(/space/);
  });
});

describe('validateCertificateLabel', () => {
  it.each([
    'ibmwebspheremqqm1',
    'qm2chl',
    'My Label 2026',
    'a',
    'x'.repeat(64),
  ])('accepts %j', l => expect(validateCertificateLabel(l)).toBe(l));
  it.each([
    '',
    ' lead',
    'trail ',
    "it's",
    'x'.repeat(65),
    'a,b',
    'a=b',
    'a\nb',
  ])('rejects %j', l =>
    expect(() => validateCertificateLabel(l)).toThrow(
      /not a usable certificate label/,
    ),
  );
});

describe('mqChannelSniHostname', () => {
  it.each([
    ['TO.QMGR1', 'to2e-qmgr1.chl.mq.ibm.com'],
    ['to.qmgr1', '74-6f-2e-71-6d-67-72-1.chl.mq.ibm.com'],
    ['SYSTEM.ADMIN.SVRCONN', 'system2e-admin2e-svrconn.chl.mq.ibm.com'],
    ['DEV.APP.SVRCONN', 'dev2e-app2e-svrconn.chl.mq.ibm.com'],
    ['A/B_C%D', 'a2f-b5f-c25-d.chl.mq.ibm.com'],
  ])('%s → %s', (channel, sni) => {
    expect(mqChannelSniHostname(channel)).toBe(sni);
  });
  it('rejects invalid channel names', () => {
    expect(() => mqChannelSniHostname('BAD NAME')).toThrow(/space/);
  });
});

describe('quoteMqscString', () => {
  it('wraps in single quotes and doubles embedded quotes', () => {
    expect(quoteMqscString('/var/mqm/qmgrs/QM1/ssl/key')).toBe(
      "'/var/mqm/qmgrs/QM1/ssl/key'",
    );
    expect(quoteMqscString("it's")).toBe("'it''s'");
    expect(quoteMqscString("''")).toBe("''''''");
    expect(quoteMqscString('')).toBe("''");
  });
  it.each(['a\nb', 'a\rb', 'a\tb', 'a\u0000b', 'a\u007fb'])(
    'rejects control characters in %j',
    v => {
      expect(() => quoteMqscString(v, 'label')).toThrow(
        /^label: control characters/,
      );
    },
  );
});

// Each rule of shared/reference/ibm-mq.md §4, one character class at a time.
describe('mqChannelSniHostname: the §4 encoding rules', () => {
  it.each([
    // A–Z → lower case
    ['ABCDEFGHIJKLMNOPQRST', 'abcdefghijklmnopqrst.chl.mq.ibm.com'],
    ['UVWXYZ', 'uvwxyz.chl.mq.ibm.com'],
    // 0–9 unchanged
    ['0123456789', '0123456789.chl.mq.ibm.com'],
    // a–z → two-digit lower-case hex + '-'
    ['abcdefghijklm', '61-62-63-64-65-66-67-68-69-6a-6b-6c-6d-.chl.mq.ibm.com'],
    ['nopqrstuvwxyz', '6e-6f-70-71-72-73-74-75-76-77-78-79-7a-.chl.mq.ibm.com'],
    // the other characters MQ allows in a channel name
    ['%', '25-.chl.mq.ibm.com'],
    ['.', '2e-.chl.mq.ibm.com'],
    ['/', '2f-.chl.mq.ibm.com'],
    ['_', '5f-.chl.mq.ibm.com'],
  ])('%s → %s', (channel, sni) => {
    expect(mqChannelSniHostname(channel)).toBe(sni);
  });

  it('ends the encoded name with "-" when the channel ends with a lower-case letter (why OpenShift routes need another last character)', () => {
    expect(mqChannelSniHostname('APP.svr')).toBe(
      'app2e-73-76-72-.chl.mq.ibm.com',
    );
    expect(mqChannelSniHostname('APP.SVR')).toBe('app2e-svr.chl.mq.ibm.com');
  });

  it('is case-sensitive: upper- and lower-case names give different host names', () => {
    expect(mqChannelSniHostname('QM1.SVRCONN')).not.toBe(
      mqChannelSniHostname('qm1.svrconn'),
    );
  });

  it.each([
    ['', /channel name is required/],
    ['C'.repeat(21), /21 characters; MQ allows at most 20/],
    ['TO-QM2', /contains "-"/],
    ['TO QM2', /contains space/],
  ])('refuses the invalid channel name %j instead of encoding it', (n, m) => {
    expect(() => mqChannelSniHostname(n)).toThrow(m);
  });
});

describe('quoteMqscString: characters that are not control characters', () => {
  it('keeps spaces, parentheses, commas and non-ASCII letters inside the quotes', () => {
    expect(quoteMqscString('a (b), c')).toBe("'a (b), c'");
    expect(quoteMqscString('Ålesund ø')).toBe("'Ålesund ø'");
    expect(quoteMqscString("x') REFRESH(")).toBe("'x'') REFRESH('");
  });

  it.each(['\u0080', 'NEL\u0085', '\u009f'])(
    'rejects C1 control characters (%j)',
    v => {
      expect(() => quoteMqscString(v)).toThrow(/^value: control characters/);
    },
  );
});
