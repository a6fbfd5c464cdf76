import { LocalCommandRunner } from './LocalCommandRunner';

describe('LocalCommandRunner', () => {
  const runner = new LocalCommandRunner();

  it('passes arguments without a shell and feeds stdin', async () => {
    const r = await runner.run(
      process.execPath,
      [
        '-e',
        'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{console.log(JSON.stringify([process.argv[1],s]));process.exit(3)})',
        '$(echo nope); `x`',
      ],
      { stdin: 'DISPLAY QMGR\n' },
    );
    expect(r.exitCode).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual([
      '$(echo nope); `x`',
      'DISPLAY QMGR\n',
    ]);
  });

  it('reports a missing program clearly', async () => {
    await expect(runner.run('/nonexistent/runmqakm', [])).rejects.toThrow(
      "cannot run '/nonexistent/runmqakm': not found",
    );
  });

  it('stops a program that outlives its timeout', async () => {
    await expect(
      runner.run(process.execPath, ['-e', 'setTimeout(()=>{}, 10000)'], {
        timeoutMs: 200,
      }),
    ).rejects.toThrow(/did not finish within 200 ms/);
  });
});
