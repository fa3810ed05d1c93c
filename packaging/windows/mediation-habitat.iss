; Inno Setup 6 script: the Windows installer of Médiation Habitat, made from the folder PyInstaller built.
;
;   uv run --group packaging pyinstaller --noconfirm packaging\mediation_habitat.spec
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" packaging\windows\mediation-habitat.iss
;
; gives dist\MediationHabitat-<version>-installation.exe. The version is read from MediationHabitat.exe
; (itself from pyproject.toml); /DAppVersion=x.y.z on the ISCC command line overrides it.
; Per-user install (no administrator rights, in %LOCALAPPDATA%\Programs) or per-machine (Program Files):
; asked by the installer, or /CURRENTUSER and /ALLUSERS for a silent deployment (/VERYSILENT /NORESTART).
; The user's data (%LOCALAPPDATA%\MEL\mediation-habitat: base, backups, logs) is never touched: neither
; by an upgrade nor by the uninstaller. Not run by CI (no Windows machine): see the README, « Installer ».

#define AppName "Médiation Habitat"
#define Bundle "..\..\dist\mediation-habitat"
#define WindowExe "MediationHabitat.exe"
#define ConsoleExe "mediation-habitat.exe"
#ifndef AppVersion
  #define AppVersion GetVersionNumbersString(AddBackslash(SourcePath) + Bundle + "\" + WindowExe)
#endif

[Setup]
; Never change AppId: it is how an upgrade finds the installed version.
AppId={{6F2B6C1E-4B7A-4C55-9E0B-2D1F7A3C9E41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Métropole Européenne de Lille
VersionInfoVersion={#AppVersion}
VersionInfoCompany=Métropole Européenne de Lille
VersionInfoDescription=Installation de {#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user by default (no rights needed); the dialog or /ALLUSERS installs for every user of the machine.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile=..\..\resources\icons\mediation-habitat.ico
UninstallDisplayIcon={app}\{#WindowExe}
UninstallDisplayName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=MediationHabitat-{#AppVersion}-installation
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; An open window is closed (Restart Manager) before its files are replaced; it is not restarted.
CloseApplications=yes
RestartApplications=no
; Signing (see the README): define a sign tool named « signtool » in ISCC (/S) and uncomment both lines.
;SignTool=signtool
;SignedUninstaller=yes

[Languages]
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "Créer une icône sur le Bureau"; GroupDescription: "Icônes supplémentaires :"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the previous version's libraries whole: no stale module is left beside the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#WindowExe}"; Comment: "Suivi de la médiation habitat"
Name: "{group}\Désinstaller {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#WindowExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#WindowExe}"; Description: "Lancer {#AppName}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete]: the uninstaller removes only what it installed. The data folder
; %LOCALAPPDATA%\MEL\mediation-habitat (base, backups, logs) is outside {app} and stays.
