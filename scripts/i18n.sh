#!/usr/bin/env bash
# Refresh Zona's translation catalogues (maintainers only; a running Zona needs no gettext).
#
# Zona's source strings are Bahasa Indonesia (LANGUAGE_CODE "id"); English lives in
# zona/locale/en/LC_MESSAGES/django.po, and the compiled django.mo next to it is committed.
#
#   scripts/i18n.sh            # makemessages + compilemessages for every language in zona/locale
#   scripts/i18n.sh --check    # also fail if any entry is untranslated or fuzzy
#
# After changing UI text: run this, translate the new empty `msgstr ""` entries in the .po file
# (and clear any `#, fuzzy` flag once its guess is checked), run it again, and commit the .po and .mo.
# Keep placeholders (%(name)s), HTML and regulation terms of art (LKE, WBK, WBBM, ZI, TPI, pengungkit,
# hasil, Pemenuhan, Reform, data dukung, SKM, IKM, IPAK, IPKP, SPAK, SPKP, Pakta Integritas, SK) as
# they are. tests/core/test_i18n.py fails while the English catalogue has gaps.
#
# Needs GNU gettext (msgfmt, xgettext, msgmerge): `apt-get install gettext` on Debian/Ubuntu.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v xgettext >/dev/null 2>&1 || { echo "GNU gettext is needed: apt-get install gettext" >&2; exit 1; }
manage=(.venv/bin/python manage.py)
[ -x .venv/bin/python ] || manage=(python manage.py)
ignore=(--ignore=.venv --ignore=node_modules --ignore=tests --ignore=var --ignore=staticfiles --ignore=build)

languages=()
for dir in zona/locale/*/; do
  [ -d "$dir/LC_MESSAGES" ] && languages+=(-l "$(basename "$dir")")
done
[ ${#languages[@]} -gt 0 ] || languages=(-l en)

"${manage[@]}" makemessages "${languages[@]}" "${ignore[@]}" --no-obsolete
"${manage[@]}" compilemessages "${ignore[@]}"

if [ "${1:-}" = "--check" ]; then
  status=0
  for po in zona/locale/*/LC_MESSAGES/django.po; do
    stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1)
    echo "$po: $stats"
    case "$stats" in *untranslated*|*fuzzy*) status=1 ;; esac
  done
  exit $status
fi
