/**
 * kube-apiserver's `--token-auth-file` format: one `token,user,uid[,"group1,group2"]` per line,
 * CSV quoting (a quoted field may hold commas; `""` is a quote), blank lines and `#` comments
 * skipped. A line with fewer than three fields is an error naming the line.
 */
import type { UserInfo } from '../../../core/pipeline/types';

/** Split one CSV record into fields. */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) throw new Error('unterminated quoted field');
  fields.push(cur);
  return fields.map((f) => f.trim());
}

/** token -> user. Throws with the line number on a malformed line or a duplicate token. */
export function parseTokenFile(text: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let fields: string[];
    try {
      fields = splitCsvLine(line);
    } catch (err) {
      throw new Error(`line ${i + 1}: ${(err as Error).message}`);
    }
    if (fields.length < 3 || !fields[0] || !fields[1]) throw new Error(`line ${i + 1}: expected token,user,uid[,"group1,group2"]`);
    const [token, username, uid, groups] = fields;
    if (tokens.has(token)) throw new Error(`line ${i + 1}: duplicate token`);
    const user: UserInfo = { username, groups: groups ? groups.split(',').map((g) => g.trim()).filter((g) => g !== '') : [] };
    if (uid) user.uid = uid;
    tokens.set(token, user);
  });
  return tokens;
}
