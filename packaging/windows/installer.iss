; Inno Setup 6 script: a per-user installer of Sister City Records that needs no administrator rights.
;
; Built by `python packaging/build.py --installer` on Windows, which passes the version and folders:
;   iscc /DAppVersion=0.1.0 /DSourceDir=dist\sister-city-records /DOutputDir=dist packaging\windows\installer.iss
;
; The program goes to %LOCALAPPDATA%\Programs\Sister City Records. The clerk's records, backups and logs live in
; %LOCALAPPDATA%\SisterCityRecords (the program's user data folder), which is outside the program's folder:
; the uninstaller removes the program and leaves the records where they are.

#ifndef AppVersion
  #error Give the version: iscc /DAppVersion=X.Y.Z (python packaging/build.py --installer does this).
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\sister-city-records"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef AppNumericVersion
  ; Windows' version resource takes numbers only (a.b.c.d); the build passes the numeric part of the version.
  #define AppNumericVersion AppVersion
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\app.ico"
#endif

#define AppName "Sister City Records"
#define AppExeName "sister-city-records.exe"
#define AppPublisher "Sister City Records"
#define DataFolder "{localappdata}\SisterCityRecords"

[Setup]
; The AppId ties upgrades and the uninstaller together; it must never change between versions.
AppId={{4C01E970-83CC-498A-869F-02002595E5BC}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppNumericVersion}
VersionInfoProductName={#AppName}
; Per-user install, never elevated: {autopf} is then {userpf}, that is %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6.12 supports Windows 10 version 1809 and later.
MinVersion=10.0.17763
OutputDir={#OutputDir}
OutputBaseFilename=SisterCityRecords-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; Files in use by a running copy are found and the clerk is asked to close it.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the program's library folder whole, so no file of an older version lingers beside the new one.
; Only the program's own folder is touched; the records are elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; {autoprograms} is the clerk's own Start menu in a per-user install.
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#StringChange(AppName, '&', '&&')}}"; Flags: nowait postinstall skipifsilent

; There is deliberately no [UninstallDelete] entry: the uninstaller removes only the files it installed, and the
; records in the user data folder stay.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent() then
    MsgBox('{#AppName} was removed. Your records, backups and logs were kept in the folder '
      + ExpandConstant('{#DataFolder}') + '. Install the program again to open them, '
      + 'or delete that folder yourself if you no longer need them.', mbInformation, MB_OK);
end;
