#!/usr/bin/env bash
# Signs the macOS app inside out, notarises it, staples the ticket and builds a signed, notarised .dmg.
#
#   packaging/macos/sign_and_notarize.sh [--unsigned] [path/to/Sister City Records.app]
#
# Needs (taken from the environment, never written to disk by this script):
#   MACOS_SIGN_IDENTITY    the signing identity, e.g. "Developer ID Application: City of Springfield (AB12CD34EF)"
#   and either
#   NOTARY_KEYCHAIN_PROFILE  a profile stored with `xcrun notarytool store-credentials`
#   or all of
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   the Apple ID, its team, and an app-specific password
# --unsigned makes dist/SisterCityRecords-VERSION-unsigned.dmg without signing or notarising (for testing only:
# Gatekeeper will warn a clerk who opens it).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
entitlements="$here/entitlements.plist"
unsigned=0
if [[ "${1:-}" == "--unsigned" ]]; then
    unsigned=1
    shift
fi
app="${1:-$root/dist/Sister City Records.app}"

fail() {
    echo "sign_and_notarize: $*" >&2
    exit 2
}
step() {
    echo "==> $*"
}

[[ "$(uname -s)" == "Darwin" ]] || fail "this script runs on macOS only."
[[ -d "$app" ]] || fail "there is no app at '$app'; build it first with: python packaging/build.py"
for tool in codesign xcrun hdiutil ditto /usr/libexec/PlistBuddy; do
    command -v "$tool" >/dev/null 2>&1 || fail "the tool '$tool' is missing; install Xcode's command line tools (xcode-select --install)."
done

version="$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$app/Contents/Info.plist")"
volume_name="Sister City Records"
dist="$(dirname "$app")"

make_dmg() {  # make_dmg OUTPUT.dmg: a compressed disk image holding the app and a link to /Applications
    local output="$1" staging
    staging="$(mktemp -d)"
    # ditto keeps the bundle's symbolic links and signatures intact (cp or zip without care break them).
    ditto "$app" "$staging/$(basename "$app")"
    ln -s /Applications "$staging/Applications"
    rm -f "$output"
    hdiutil create -volname "$volume_name" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$output" >/dev/null
    rm -rf "$staging"
}

if [[ "$unsigned" == 1 ]]; then
    dmg="$dist/SisterCityRecords-$version-unsigned.dmg"
    step "Making the unsigned disk image $dmg (not for clerks: it is neither signed nor notarised)"
    make_dmg "$dmg"
    echo "$dmg"
    exit 0
fi

# --- Credentials ---------------------------------------------------------------------------------------------------
identity="${MACOS_SIGN_IDENTITY:-}"
[[ -n "$identity" ]] || fail "MACOS_SIGN_IDENTITY is not set. Set it to your organisation's 'Developer ID Application: ...' identity (see: security find-identity -v -p codesigning), or pass --unsigned for a test build."
identities="$(security find-identity -v -p codesigning)"
[[ "$identities" == *"$identity"* ]] \
    || fail "the signing identity '$identity' is not in this Mac's keychain; import your Developer ID certificate first."
if [[ -n "${NOTARY_KEYCHAIN_PROFILE:-}" ]]; then
    notary_auth=(--keychain-profile "$NOTARY_KEYCHAIN_PROFILE")
elif [[ -n "${APPLE_ID:-}" && -n "${APPLE_TEAM_ID:-}" && -n "${APPLE_APP_PASSWORD:-}" ]]; then
    notary_auth=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
else
    fail "no notarisation credentials. Set NOTARY_KEYCHAIN_PROFILE (made with 'xcrun notarytool store-credentials'), or all of APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD (an app-specific password from appleid.apple.com)."
fi

sign() {  # sign PATH: hardened runtime, secure timestamp, our entitlements
    codesign --force --options runtime --timestamp --entitlements "$entitlements" --sign "$identity" "$1"
}

is_macho() {
    [[ "$(file -b "$1")" == *Mach-O* ]]
}

# --- Sign inside out (no --deep: it is deprecated and signs nested code in the wrong order) ------------------------
step "Removing extended attributes that codesign refuses ('resource fork, Finder information, or similar detritus')"
xattr -cr "$app"

step "Signing every library inside the bundle"
# Libraries do not depend on each other's signatures, so their order does not matter; what does is that every nested
# bundle (the Qt .framework bundles, then the app) is signed only after everything inside it.
# PyInstaller (6.x, pinned) lays Qt's .framework bundles out with their Resources and Info.plist where codesign
# expects them and links data folders from Contents/Resources into Contents/Frameworks; those symbolic links are
# skipped here (find -type f) and must stay links, which is why the bundle is only ever copied with ditto.
count=0
while IFS= read -r -d '' file; do
    if is_macho "$file"; then
        sign "$file"
        count=$((count + 1))
    fi
done < <(find "$app/Contents" -type f ! -path "$app/Contents/MacOS/*" -print0)
echo "    signed $count libraries"

step "Signing the Qt .framework bundles"
while IFS= read -r -d '' framework; do
    sign "$framework"
done < <(find "$app/Contents" -type d -name "*.framework" ! -path "*.framework/*" -print0)

step "Signing the executables and the app"
for executable in "$app/Contents/MacOS/"*; do
    if [[ -f "$executable" && ! -L "$executable" ]] && is_macho "$executable"; then
        sign "$executable"
    fi
done
sign "$app"

step "Checking the signature"
codesign --verify --deep --strict --verbose=2 "$app"

# --- Notarise the app, staple it, then the disk image --------------------------------------------------------------
notarise() {  # notarise FILE: submits and waits; on rejection prints Apple's log
    local result submission status
    result="$(mktemp)"
    xcrun notarytool submit "$1" "${notary_auth[@]}" --wait --output-format plist >"$result" || true
    submission="$(/usr/libexec/PlistBuddy -c 'Print :id' "$result" 2>/dev/null || true)"
    status="$(/usr/libexec/PlistBuddy -c 'Print :status' "$result" 2>/dev/null || true)"
    rm -f "$result"
    [[ -n "$submission" ]] || fail "notarytool could not submit $1 (check the credentials and the network)."
    if [[ "$status" != "Accepted" ]]; then
        xcrun notarytool log "$submission" "${notary_auth[@]}" >&2 || true
        fail "Apple did not accept $1 (submission $submission, status '$status'); its log is printed above."
    fi
    echo "    accepted: submission $submission"
}

step "Notarising the app (this takes a few minutes)"
zip_file="$(mktemp -d)/SisterCityRecords.zip"
ditto -c -k --keepParent "$app" "$zip_file"
notarise "$zip_file"
rm -f "$zip_file"
step "Stapling the ticket to the app, so it opens on a computer without internet"
xcrun stapler staple "$app"

dmg="$dist/SisterCityRecords-$version.dmg"
step "Making, signing and notarising the disk image $dmg"
make_dmg "$dmg"
codesign --force --timestamp --sign "$identity" "$dmg"
notarise "$dmg"
xcrun stapler staple "$dmg"

step "Checking what Gatekeeper will say"
spctl --assess --type execute --verbose=2 "$app"
spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
echo "$dmg"
