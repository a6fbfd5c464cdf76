import type { MaintenanceWindowRule } from '@mqcert/plugin-mq-certificates-common';
import { shellQuote } from './shell';

/** What the exec script needs (all validated by the caller). */
export interface RenewScriptRequest {
  entityRef: string;
  queueManager: string;
  label: string;
  /** The PEM file Vault Agent renders (certificate, issuing CA, key). */
  sourceFile: string;
  /** Extra CA certificates (the root) that complete the chain; optional. */
  caBundleFile?: string;
  /** Folder of the live key repository on the MQ host. */
  keyDirectory: string;
  /** File name stem of the repository (`key` → key-<UTC>-<serial>.p12). */
  stem: string;
  keepRevisions: number;
  /** `window`: at in the next maintenance window; `stage-only`: wait for approval. */
  variant: 'window' | 'stage-only';
  windows: MaintenanceWindowRule[];
  mqBinDirectory: string;
  /** `openssl pkcs12 -export` options of the PKCS#12 profile. */
  pkcs12Options: string[];
  /** Owner (user[:group]) for the staged files, when MQ runs as another user. */
  fileOwner?: string;
}

function windowLines(windows: MaintenanceWindowRule[]): string {
  return windows
    .map(w => {
      const hh = String(Math.floor(w.startMinute / 60)).padStart(2, '0');
      const mm = String(w.startMinute % 60).padStart(2, '0');
      return `  ${shellQuote(`${w.days.join(',')} ${hh}:${mm} ${w.timeZone}`)}`;
    })
    .join('\n');
}

/**
 * The script Vault Agent runs (template `exec`) after it renders a renewed
 * certificate. Compared with the seed's sample script it:
 * - never puts a password on a command line (openssl reads it from a 0600
 *   file; the cut-over job reads it with the shell's `read` and feeds
 *   runmqsc on standard input);
 * - uses only names validated when the bundle was rendered;
 * - stops on the first failure (`set -euo pipefail`), before any cut-over,
 *   and checks key, chain and the built file first;
 * - stages a new revision (temporary name, sync, rename, read back) and
 *   never modifies the live repository;
 * - prunes old revisions to the newest N, never the live or the new one;
 * - schedules the cut-over with `at` (UTC) at the next maintenance window,
 *   replacing a cut-over it scheduled earlier, or only stages (approval).
 */
export function renderRenewScript(r: RenewScriptRequest): string {
  const q = shellQuote;
  return `#!/usr/bin/env bash
# mqcert-renew.sh for ${r.entityRef} (queue manager ${r.queueManager}).
# Rendered by mq:vault-agent:render; re-render rather than edit.
# Vault Agent runs it after each renewal of the certificate for label ${
    r.label
  }.
set -euo pipefail
umask 077
export LC_ALL=C

QMGR=${q(r.queueManager)}
LABEL=${q(r.label)}
SOURCE=${q(r.sourceFile)}
CA_BUNDLE=${q(r.caBundleFile ?? '')}
KEY_DIR=${q(r.keyDirectory)}
STEM=${q(r.stem)}
KEEP=${r.keepRevisions}
VARIANT=${q(r.variant)}
MQ_BIN=${q(r.mqBinDirectory)}
FILE_OWNER=${q(r.fileOwner ?? '')}
OPENSSL=\${MQCERT_OPENSSL:-openssl}
RUNMQSC=\${MQCERT_RUNMQSC:-$MQ_BIN/runmqsc}
AT=\${MQCERT_AT:-at}
ATRM=\${MQCERT_ATRM:-atrm}
LOG_FILE="$KEY_DIR/mqcert-cutover.log"
PENDING_JOB="$KEY_DIR/.mqcert-pending-at-job"
# MQSC keyword that gives the queue manager the repository's password.
# IBM documents it as KEYRPWD in MQSC; check it on your MQ version.
KEYRPWD_KEYWORD=\${MQCERT_KEYRPWD_KEYWORD:-KEYRPWD}
PKCS12_OPTIONS=(${r.pkcs12Options.map(q).join(' ')})
# Maintenance windows: "<days 0=Sun..6=Sat> <HH:MM> <IANA zone>"
WINDOWS=(
${windowLines(r.windows)}
)

log() { printf '%s mqcert-renew %s: %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$QMGR" "$*" >&2; }
fail() { log "ERROR: $*; the live key repository was not changed"; exit 1; }

# The first UTC minute (CCYYMMDDhhmm) of the next maintenance window that
# starts at least a minute from now. MQCERT_NOW (epoch seconds) is for tests.
next_window_start() {
  local now best='' rule days hm zone base d ymd wd start
  now=\${MQCERT_NOW:-$(date -u +%s)}
  for rule in "\${WINDOWS[@]}"; do
    read -r days hm zone <<<"$rule"
    base=$(TZ="$zone" date -d "@$now" +%F)
    for d in $(seq -1 14); do
      ymd=$(date -d "$base 12:00 UTC $d day" +%F)
      wd=$(date -d "$ymd 12:00 UTC" +%w)
      case ",$days," in *",$wd,"*) ;; *) continue ;; esac
      # A start time inside a DST gap does not exist that day: an hour later.
      start=$(date -d "TZ=\\"$zone\\" $ymd $hm" +%s 2>/dev/null) ||
        start=$(date -d "TZ=\\"$zone\\" $ymd $hm +1 hour" +%s)
      if [ "$start" -ge $((now + 60)) ] && { [ -z "$best" ] || [ "$start" -lt "$best" ]; }; then
        best=$start
      fi
    done
  done
  [ -n "$best" ] || return 1
  date -u -d "@$best" +%Y%m%d%H%M
}

if [ "\${1:-}" = "--next-window" ]; then next_window_start; exit; fi

command -v "$OPENSSL" >/dev/null || fail "openssl is not installed"
[ -r "$SOURCE" ] || fail "$SOURCE (rendered by Vault Agent) is missing"
[ -d "$KEY_DIR" ] || fail "the key repository folder $KEY_DIR does not exist"

WORK=$(mktemp -d "$KEY_DIR/.mqcert-work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# 1. Split what Vault Agent rendered: leaf, key, CA chain.
"$OPENSSL" x509 -in "$SOURCE" -out "$WORK/cert.pem"
"$OPENSSL" pkey -in "$SOURCE" -out "$WORK/key.pem"
awk '/-----BEGIN CERTIFICATE-----/{n++} n>1' "$SOURCE" |
  awk '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/' >"$WORK/chain.pem"
if [ -n "$CA_BUNDLE" ]; then cat "$CA_BUNDLE" >>"$WORK/chain.pem"; fi
[ -s "$WORK/chain.pem" ] || fail "$SOURCE has no CA certificate after the leaf"
[ "$("$OPENSSL" x509 -in "$WORK/cert.pem" -noout -pubkey | sha256sum)" = \\
  "$("$OPENSSL" pkey -in "$WORK/key.pem" -pubout | sha256sum)" ] ||
  fail "the key in $SOURCE does not belong to its certificate"
"$OPENSSL" verify -partial_chain -CAfile "$WORK/chain.pem" "$WORK/cert.pem" >/dev/null ||
  fail "the certificate does not chain to the CA certificates in $SOURCE"

SERIAL=$("$OPENSSL" x509 -in "$WORK/cert.pem" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f')
SERIAL8=$(printf '%08s' "\${SERIAL:0:8}" | tr ' ' 0)
if compgen -G "$KEY_DIR/$STEM-*-$SERIAL8.p12" >/dev/null; then
  log "serial $SERIAL is already staged; nothing to do"
  exit 0
fi
REVISION="$KEY_DIR/$STEM-$(date -u +%Y%m%dT%H%M%SZ)-$SERIAL8.p12"
PASSWORD_FILE="\${REVISION%.p12}.pw"

# 2. A new password in a 0600 file; it is never on a command line.
"$OPENSSL" rand -out "$WORK/pw" -base64 24

# 3. Build and check the PKCS#12 (the label is its friendlyName).
"$OPENSSL" pkcs12 -export -inkey "$WORK/key.pem" -in "$WORK/cert.pem" \\
  -certfile "$WORK/chain.pem" -name "$LABEL" "\${PKCS12_OPTIONS[@]}" \\
  -passout "file:$WORK/pw" -out "$WORK/new.p12"
"$OPENSSL" pkcs12 -in "$WORK/new.p12" -passin "file:$WORK/pw" -nokeys -noout ||
  fail "the new PKCS#12 cannot be read back"

# 4. Stage a new revision beside the live one: temporary name, sync, rename, compare.
cp "$WORK/new.p12" "$REVISION.tmp"
chmod 600 "$REVISION.tmp"
sync "$REVISION.tmp" 2>/dev/null || sync
mv "$REVISION.tmp" "$REVISION"
cmp -s "$WORK/new.p12" "$REVISION" || { rm -f "$REVISION"; fail "$REVISION differs from what was built"; }
cp "$WORK/pw" "$PASSWORD_FILE"
chmod 600 "$PASSWORD_FILE"
if [ -n "$FILE_OWNER" ]; then chown "$FILE_OWNER" "$REVISION" "$PASSWORD_FILE"; fi
log "staged $REVISION (serial $SERIAL)"

# 5. Keep the newest $KEEP revisions; never the live one or the new one.
# Only names this script gives (STEM-<UTC stamp>-<serial>.p12) are revisions:
# a repository the administrator made (say key-1.p12, maybe the one a
# rollback needs) matches STEM-*.p12 too and must never be pruned.
REVISION_GLOB="$STEM-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].p12"
LIVE=$(printf 'DISPLAY QMGR SSLKEYR\\n' | "$RUNMQSC" "$QMGR" 2>/dev/null |
  sed -n 's/.*SSLKEYR(\\([^)]*\\)).*/\\1/p' | head -n 1 || true)
n=0
while IFS= read -r old; do
  n=$((n + 1))
  [ "$n" -le "$KEEP" ] && continue
  [ "$old" = "$REVISION" ] && continue
  [ -n "$LIVE" ] && [ "\${old%.p12}" = "\${LIVE%.p12}" ] && continue
  rm -f "$old" "\${old%.p12}.pw"
  log "pruned $old"
done < <(compgen -G "$KEY_DIR/$REVISION_GLOB" | sort -r)

# 6. Cut over in the maintenance window, or wait for approval.
if [ "$VARIANT" = "stage-only" ]; then
  log "staged only (approval required). To cut over, run as the MQ administrator:"
  log "  $RUNMQSC $QMGR  with: ALTER QMGR SSLKEYR('$REVISION') CERTLABL('$LABEL') $KEYRPWD_KEYWORD('<password in $PASSWORD_FILE>') and REFRESH SECURITY TYPE(SSL)"
  exit 0
fi
RUN_AT=$(next_window_start) || fail "no maintenance window starts in the next two weeks"
if [ -s "$PENDING_JOB" ]; then
  "$ATRM" "$(cat "$PENDING_JOB")" 2>/dev/null && log "replaced the cut-over scheduled earlier (at job $(cat "$PENDING_JOB"))" || true
fi
q() {
  case "$1" in *"'"*) fail "unexpected quote in $1" ;; esac
  printf "'%s'" "$1"
}
JOB=$(
  cat <<EOF
#!/bin/sh
exec >>$(q "$LOG_FILE") 2>&1
echo "\\$(date -u +%Y-%m-%dT%H:%M:%SZ) mqcert: cut-over of $QMGR to $REVISION"
pwfile=$(q "$PASSWORD_FILE")
[ -r "\\$pwfile" ] || { echo "mqcert: \\$pwfile is missing; no cut-over"; exit 1; }
IFS= read -r pw <"\\$pwfile"
# runmqsc echoes each command it reads: mask the password before logging.
out=\\$({
  printf '%s\\n' "ALTER QMGR SSLKEYR('$REVISION') CERTLABL('$LABEL') $KEYRPWD_KEYWORD('\\$pw')"
  printf '%s\\n' 'REFRESH SECURITY TYPE(SSL)'
} | $(q "$RUNMQSC") $(q "$QMGR") 2>&1)
rc=\\$?
printf '%s\\n' "\\$out" | sed "s/\\($KEYRPWD_KEYWORD[[:space:]]*(\\)[^)]*)/\\1'********')/g"
[ "\\$rc" -eq 0 ] && rm -f $(q "$PENDING_JOB")
exit "\\$rc"
EOF
)
AT_OUT=$(printf '%s\\n' "$JOB" | TZ=UTC "$AT" -t "$RUN_AT" 2>&1) || fail "at refused the job: $AT_OUT"
JOB_ID=$(printf '%s\\n' "$AT_OUT" | sed -n 's/^job \\([0-9][0-9]*\\) at .*/\\1/p' | head -n 1)
[ -n "$JOB_ID" ] || fail "could not read the at job number from: $AT_OUT"
printf '%s\\n' "$JOB_ID" >"$PENDING_JOB"
log "cut-over scheduled with at (job $JOB_ID) for $RUN_AT UTC; output goes to $LOG_FILE"
`;
}
