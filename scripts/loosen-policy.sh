#!/usr/bin/env bash
# Loosens one rule at a time and runs the conformance sweep: every loosening must fail it.
# Not part of CI (about 90 s a rule on 2 cores): run it after changing the oracle or the rules,
# and read each line: "conformance FAILS" is the wanted result. Restores every file it touches.
cd "$(dirname "$0")/.."
declare -a names=(care-team-any-practice processor-ignores-basis processor-any-controller support-case-without-case employer-any-organisation lists-unfiltered)
declare -a files=(schema/policy/src/requirements.ts schema/policy/src/requirements.ts schema/policy/src/requirements.ts schema/policy/src/requirements.ts schema/policy/src/requirements.ts schema/policy/src/createPolicySchema.ts)
declare -a olds=(
'  return relationships.some((care) => controlling.includes(care.practiceId));'
'  if (!instruction || !(await basisHolds(input))) return false;'
'candidate.categories.includes(field.personal!.category) && controlling.includes(candidate.controllerId)'
'  if (!open) return false;'
'    employers = employers.filter((organisation) => controlling.includes(organisation));'
'  hideUnreadableListItems(base, byCoordinate, holds);'
)
declare -a news=(
'  return relationships.length > 0 || controlling.length < 0;'
'  if (!instruction) return false;'
'candidate.categories.includes(field.personal!.category) && controlling.length >= 0'
'  if (!open) return person !== null && field.personal === null;'
'    employers = employers.filter(() => controlling.length >= 0);'
'  void hideUnreadableListItems;'
)
for i in "${!names[@]}"; do
  f=${files[$i]}; cp "$f" /tmp/mut/orig
  python3 - "$f" "${olds[$i]}" "${news[$i]}" <<'PY'
import sys
p,old,new=sys.argv[1:]
s=open(p).read()
assert s.count(old)==1, (p, old)
open(p,'w').write(s.replace(old,new))
PY
  out=$(timeout 900 npx vitest run test/src/conformance.test.ts 2>&1)
  cp /tmp/mut/orig "$f"
  summary=$(echo "$out" | grep -o "[0-9]* differences" | head -1)
  if echo "$out" | grep -q "Tests .*failed"; then echo "${names[$i]}: conformance FAILS ($summary)"; else echo "${names[$i]}: conformance PASSES (loosening not caught)"; fi
  echo "$out" | grep -E "declared (denied|allowed|to list)" | head -3 | sed 's/^/    /'
done
git diff --stat -- schema/policy
