import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/process.js';
import { killAllPtys, spawnTerminal } from '../helpers/pty.js';

/**
 * The scripts are tested in the real shells. bash is always there; zsh and fish are skipped, with
 * the reason in the report, where they are not installed (.ci/run installs them).
 */
function installed(shell: string): boolean {
  return spawnSync(shell, ['-c', 'exit 0']).status === 0;
}

let dir: string;
const scripts: Record<string, string> = {};
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stackone-completion-'));
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    const result = await runCli(['completion', shell]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    scripts[shell] = join(dir, `completion.${shell}`);
    writeFileSync(scripts[shell]!, result.stdout);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(killAllPtys);

/** What bash's completion function offers for a command line; the last word is being completed. */
function bashComplete(...words: string[]): string[] {
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const out = execFileSync(
    'bash',
    [
      '--norc',
      '--noprofile',
      '-c',
      `source "$1"; COMP_WORDS=(stackone-connect ${quoted}); COMP_CWORD=${words.length}; _stackone_connect; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash',
      scripts.bash!,
    ],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

describe('completion scripts', () => {
  test('bash: commands, subcommands, flags per command, and the values of --type, --categories and <shell>', () => {
    expect(bashComplete('')).toEqual(['session', 'auth', 'emulator', 'demo', 'completion']);
    expect(bashComplete('session', '')).toEqual(['create', 'poll', 'status', 'list']);
    expect(bashComplete('session', 'cr')).toEqual(['create']);
    expect(bashComplete('session', 'create', '--ori')).toEqual(['--origin-owner-id', '--origin-owner-name', '--origin-username']);
    expect(bashComplete('session', 'create', '--type', '')).toEqual(['production', 'test']);
    expect(bashComplete('session', 'create', '--type', '=')).toEqual(['production', 'test']); // --type=
    expect(bashComplete('session', 'create', '--type', '=', 'te')).toEqual(['test']); // --type=te
    expect(bashComplete('session', 'create', '--categories', '')).toHaveLength(14);
    expect(bashComplete('session', 'create', '--categories', 'hris,a')).toEqual(['hris,ats', 'hris,accounting']);
    expect(bashComplete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    // The value of an option is not taken for a command: "--profile session" is a profile.
    expect(bashComplete('--profile', 'session', 'session', 'create', '--ty')).toEqual(['--type']);
    expect(bashComplete('session', 'create', '--label', 'status', '--t')).toEqual(['--type', '--timeout']);
    // Flags belong to their command; the program's flags are accepted everywhere.
    const authStatus = bashComplete('auth', 'status', '--');
    expect(authStatus).toContain('--no-verify');
    expect(authStatus).toContain('--profile');
    expect(authStatus).not.toContain('--origin-owner-id');
    expect(bashComplete('session', 'status', '--')).not.toContain('--no-verify');
    // Campaigns and the board: their flags, and the states of `session list --status`.
    expect(bashComplete('session', 'create', '--fr')).toEqual(['--from-file']);
    expect(bashComplete('session', 'poll', '--al')).toEqual(['--all']);
    expect(bashComplete('session', 'list', '--status', '')).toEqual(['pending', 'authenticated', 'error', 'cancelled', 'expired']);
    expect(bashComplete('session', 'list', '--status', 'pending,e')).toEqual(['pending,error', 'pending,expired']);
  });

  test('bash: Tab in an interactive shell completes the line', async () => {
    const t = spawnTerminal('bash', ['--norc', '--noprofile', '-i'], { env: { PS1: '$ ', SCRIPT: scripts.bash } });
    t.write('source "$SCRIPT"; echo "READY"""\r');
    await t.waitForScreen(/^READY$/m);
    t.write('stackone-connect session cr\t');
    await t.waitForScreen('stackone-connect session create ');
    t.write('--categories hris,at\t');
    await t.waitForScreen('stackone-connect session create --categories hris,ats');
    t.write('\u0015exit\r'); // Ctrl-U clears the line
    expect(await t.exitCode()).toBe(0);
  });

  test('zsh: the script parses, and Tab completes under compinit', async ({ skip }) => {
    if (!installed('zsh')) skip('zsh not installed');
    expect(spawnSync('zsh', ['-n', scripts.zsh!]).status).toBe(0);
    const home = mkdtempSync(join(tmpdir(), 'zsh-home-'));
    try {
      const t = spawnTerminal('zsh', ['-f', '-i'], { env: { PS1: '$ ', HOME: home, ZDOTDIR: home, SCRIPT: scripts.zsh } });
      t.write('autoload -Uz compinit && compinit -u && source "$SCRIPT" && echo "READY"""\r');
      await t.waitForScreen(/^READY$/m);
      t.write('stackone-connect session cr\t');
      await t.waitForScreen('stackone-connect session create ');
      t.write('--type=te\t');
      await t.waitForScreen('stackone-connect session create --type=test ');
      t.write('\u0015exit\r');
      expect(await t.exitCode()).toBe(0);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('fish: the script parses, and fish completes from it', ({ skip }) => {
    if (!installed('fish')) skip('fish not installed');
    expect(spawnSync('fish', ['--no-execute', scripts.fish!]).status).toBe(0);
    const complete = (line: string) =>
      execFileSync('fish', ['--no-config', '-c', `source $argv[1]; complete -C $argv[2]`, scripts.fish!, line], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]);
    expect(complete('stackone-connect session cr')).toEqual(['create']);
    expect(complete('stackone-connect session create --type ')).toEqual(['production', 'test']);
    expect(complete('stackone-connect session create --categories hris,a')).toEqual(['hris,accounting', 'hris,ats']);
    expect(complete('stackone-connect completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(complete('stackone-connect auth status --')).toContain('--no-verify');
    expect(complete('stackone-connect session status --')).not.toContain('--no-verify');
  });

  test('an unknown shell: exit 2, naming the accepted ones, nothing on stdout', async () => {
    const result = await runCli(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Unknown shell "powershell".');
    expect(result.stderr).toContain('Use one of: bash, zsh, fish.');
    const missing = await runCli(['completion']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("✗ Missing required argument 'shell'.");
  });
});
