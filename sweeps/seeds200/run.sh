#!/usr/bin/env bash
# The 200-seed sweep of issue 13, resumable across sessions: every property of the catalogue at its
# default budget at 200 seeds (the base seed and 199 derived from it), on the bundled port and on
# impl/alt/minimal-split.ts, as 40 shards per SUT (`verify --shard I/40`). A shard whose JSON
# summary is here is not run again; `status` merges the complete SUTs (merge-summaries).
#
# The code the verdicts are about is pinned by FINGERPRINT: the sha256 of the code the `verify`
# verb, its child and both SUTs run — esbuild's bundles of them, whitespace and comments left out,
# so that a comment or a reformatting does not move it — and of package-lock.json and the child's
# two .mjs loaders. A tree whose fingerprint differs refuses to add shards: start a new sweep.
#
# usage: sweeps/seeds200/run.sh [--tree DIR] run [port|minimal-split]...   (run shards until done)
#        sweeps/seeds200/run.sh [--tree DIR] fingerprint
#        sweeps/seeds200/run.sh status
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tree="$(cd "$here/../.." && pwd)"
SEED=20261125
SEEDS=200
SHARDS=40

die() { echo "sweep: $*" >&2; exit 2; }

if [ "${1:-}" = "--tree" ]; then
  [ $# -ge 2 ] || die "--tree needs a folder"
  [ -f "$2/cli/verify.ts" ] || die "--tree $2 is not a bbm-verify checkout (no cli/verify.ts)"
  tree="$(cd "$2" && pwd)"
  shift 2
fi

fingerprint() {
  local out
  out="$(mktemp -d)"
  (cd "$tree" && npx esbuild cli/verify.ts cli/verifyChild.ts impl/alt/minimal-split.ts impl/index.ts \
    --bundle --platform=node --format=esm --packages=external --log-level=error \
    --minify-whitespace --legal-comments=none --outdir="$out/bundle")
  (cd "$tree" && node -e '
    const { createHash } = require("node:crypto");
    const { readFileSync, readdirSync } = require("node:fs");
    const { join, relative } = require("node:path");
    const [bundle] = process.argv.slice(1);
    const files = readdirSync(bundle, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile()).map((d) => join(d.parentPath ?? d.path, d.name));
    const parts = [...files.map((f) => ["bundle/" + relative(bundle, f), f]),
      ...["package-lock.json", "bin/verify-child.mjs", "bin/plugin-hooks.mjs"].map((f) => [f, f])]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const h = createHash("sha256");
    for (const [name, f] of parts) h.update(name + " " + createHash("sha256").update(readFileSync(f)).digest("hex") + "\n");
    console.log(h.digest("hex"));
  ' "$out/bundle")
  rm -rf "$out"
}

sutPath() { case "$1" in port) echo port ;; minimal-split) echo impl/alt/minimal-split.ts ;; *) die "no SUT $1 (port, minimal-split)" ;; esac; }

cmd="${1:-status}"; shift || true
case "$cmd" in
fingerprint) fingerprint ;;
run)
  suts=("$@"); [ ${#suts[@]} -gt 0 ] || suts=(port minimal-split)
  for sut in "${suts[@]}"; do sutPath "$sut" >/dev/null; done
  fp="$(fingerprint)"
  if [ -f "$here/FINGERPRINT" ]; then
    [ "$(cat "$here/FINGERPRINT")" = "$fp" ] || die "$tree is not the code this sweep ran on (FINGERPRINT differs): start a new sweep"
  else
    echo "$fp" >"$here/FINGERPRINT"
    git -C "$tree" rev-parse HEAD >"$here/COMMIT"
  fi
  # Shard by shard, each SUT in turn: both SUTs meet every property early (shards 1-5 hold all
  # 15 properties at 25 seeds each), so a finding on either shows within the first ten shards.
  for i in $(seq 1 $SHARDS); do
    for sut in "${suts[@]}"; do
      mkdir -p "$here/$sut"
      out="$here/$sut/shard-$(printf %02d "$i").json"
      [ -f "$out" ] && continue
      start=$(date +%s)
      set +e
      (cd "$tree" && npx tsx cli/main.ts verify --sut "$(sutPath "$sut")" --seed $SEED --seeds $SEEDS \
        --shard "$i/$SHARDS" --no-corpus --progress off --json "$out.part" >"$here/$sut/shard-$(printf %02d "$i").log" 2>&1)
      rc=$?
      set -e
      [ -f "$out.part" ] && mv "$out.part" "$out"
      echo "sweep: $sut shard $i/$SHARDS exit $rc in $(( $(date +%s) - start )) s: $(tail -1 "$here/$sut/shard-$(printf %02d "$i").log")"
      [ $rc -le 1 ] || die "$sut shard $i/$SHARDS: exit $rc (see its log)"
    done
  done
  ;;
status)
  for sut in port minimal-split; do
    shopt -s nullglob
    done_shards=("$here/$sut"/shard-*.json)
    n=${#done_shards[@]}
    if [ "$n" -eq $SHARDS ]; then
      (cd "$tree" && npx tsx cli/main.ts merge-summaries "${done_shards[@]}" --json "$here/$sut.json") | sed "s/^/$sut: /" || true
    else
      echo -n "$sut: $n/$SHARDS shards done"
      [ "$n" -eq 0 ] || node -e '
        const fs = require("node:fs");
        const rows = process.argv.slice(1).flatMap((f) => JSON.parse(fs.readFileSync(f, "utf8")).results);
        const n = (st) => rows.filter((r) => r.status === st).length;
        const runs = rows.reduce((a, r) => a + r.runs, 0);
        console.log(`: ${rows.length} property × seed jobs, ${runs} runs; ${n("pass")} passed, ${n("fail") + n("error")} failed, ${n("skip") + n("no-input")} skipped`);
      ' "${done_shards[@]}"
      [ "$n" -gt 0 ] || echo
    fi
  done
  ;;
*) die "usage: run.sh [--tree DIR] run [port|minimal-split]... | fingerprint | status" ;;
esac
