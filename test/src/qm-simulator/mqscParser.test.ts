import { parseMqsc, splitMqscScript } from './mqscParser';
import { sniNameForChannel } from './QueueManager';

describe('simulator MQSC parser', () => {
  it('folds unquoted values to upper case and keeps quoted ones', () => {
    expect(
      parseMqsc("alt qmgr certlabl(qm1cert) sslkeyr('/var/x/Key''s.p12')"),
    ).toEqual({
      verb: 'ALTER',
      object: 'QMGR',
      objectValue: undefined,
      params: [
        { keyword: 'CERTLABL', value: 'QM1CERT', quoted: false },
        { keyword: 'SSLKEYR', value: "/var/x/Key's.p12", quoted: true },
      ],
    });
    expect(parseMqsc('REF SEC(*) TYPE(SSL)')).toMatchObject({
      verb: 'REFRESH',
      object: 'SECURITY',
      objectValue: '*',
    });
  });

  it('rejects what it does not know', () => {
    expect(() => parseMqsc('DEFINE QLOCAL(X)')).toThrow(/unknown command/);
    expect(() => parseMqsc("ALTER QMGR CERTLABL('x")).toThrow(/unterminated/);
  });

  it('splits scripts with comments and continuations', () => {
    expect(
      splitMqscScript(
        "* comment\nALTER QMGR +\n   CERTLABL('a')\n\nDISPLAY QMGR\n",
      ),
    ).toEqual(["ALTER QMGR CERTLABL('a')", 'DISPLAY QMGR']);
  });

  it("encodes SNI names by IBM's examples", () => {
    expect(sniNameForChannel('TO.QMGR1')).toBe('to2e-qmgr1.chl.mq.ibm.com');
    expect(sniNameForChannel('to.qmgr1')).toBe(
      '74-6f-2e-71-6d-67-72-1.chl.mq.ibm.com',
    );
    expect(sniNameForChannel('SYSTEM.ADMIN.SVRCONN')).toBe(
      'system2e-admin2e-svrconn.chl.mq.ibm.com',
    );
  });
});
