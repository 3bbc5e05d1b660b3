import { createPasswordService } from '@mercato/identity';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { withOfflineIdentity } from './offline-identity.ts';

/**
 * A password nobody chose: 24 base64url characters (144 random bits), a passphrase by
 * identity's rules (16+ characters), so it passes them whatever the email.
 */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Reads the new password: on a terminal, typed twice without echo (empty: generate one);
 * from a pipe, the first line. Undefined means "generate".
 */
export async function readNewPassword(
  input: NodeJS.ReadStream,
  output: NodeJS.WriteStream,
): Promise<string | undefined> {
  if (!input.isTTY) {
    const rl = createInterface({ input, terminal: false });
    for await (const line of rl) {
      rl.close();
      return line === '' ? undefined : line;
    }
    return undefined;
  }
  const ask = (prompt: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input, output, terminal: true });
      // Echo nothing of what is typed (readline writes each keystroke through this).
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.startsWith(prompt)) output.write(prompt);
      };
      rl.question(prompt, (answer) => {
        rl.close();
        output.write('\n');
        resolve(answer);
      });
    });
  const first = await ask('New password (empty to generate one): ');
  if (first === '') return undefined;
  if ((await ask('Again: ')) !== first) throw new Error('the two passwords differ; nothing changed');
  return first;
}

/**
 * `mercato reset-password <email>`: for someone with shell access who lost an account's
 * password (an admin's, typically). Sets the new password in identity's database, lifts a
 * lock, signs the user out everywhere and writes `user.password_changed` (reason reset) to
 * identity's outbox, published when identity next runs (at once if it runs: its relay
 * polls the outbox). Embedded mode opens the data directory itself: run it while the
 * platform is stopped. Returns the generated password, when one was generated.
 */
export async function resetPassword(
  mode: 'embedded' | 'distributed',
  email: string,
  password: string | undefined,
): Promise<{ userId: string; generated?: string }> {
  return withOfflineIdentity(mode, async (identity) => {
    const generated = password === undefined ? generatePassword() : undefined;
    const { userId } = await createPasswordService(identity).resetByOperator(
      email,
      password ?? generated ?? '',
    );
    return { userId, ...(generated && { generated }) };
  });
}
