<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="fr_FR">
<context>
    <name>Auth</name>
    <message>
        <source>Secret Service (trousseau GNOME, KeePassXC)</source>
        <translation>Secret Service (GNOME Keyring, KeePassXC)</translation>
    </message>
    <message>
        <source>libsecret (trousseau GNOME)</source>
        <translation>libsecret (GNOME Keyring)</translation>
    </message>
    <message>
        <source>Trousseau d&apos;accès macOS</source>
        <translation>macOS Keychain Access</translation>
    </message>
    <message>
        <source>Gestionnaire d&apos;identification Windows</source>
        <translation>Windows Credential Manager</translation>
    </message>
    <message>
        <source>Utilisez le trousseau sécurisé du système : sous Linux, GNOME Keyring ou KWallet (paquets « gnome-keyring » ou « kwalletmanager », service Secret Service sur D-Bus), déverrouillé dans votre session ; sous Windows, le Gestionnaire d&apos;identification ; sous macOS, le Trousseau d&apos;accès. Retirez aussi le paquet « keyrings.alt » ou la variable PYTHON_KEYRING_BACKEND s&apos;ils imposent un autre trousseau.</source>
        <translation>Use the system&apos;s secure keyring: on Linux, GNOME Keyring or KWallet (packages ‘gnome-keyring’ or ‘kwalletmanager’, Secret Service on D-Bus), unlocked in your session; on Windows, Credential Manager; on macOS, Keychain Access. Also remove the ‘keyrings.alt’ package or the PYTHON_KEYRING_BACKEND variable if they impose another keyring.</translation>
    </message>
    <message>
        <source>Le trousseau configuré ({backend}) enregistre les secrets dans un fichier (en clair, ou chiffré par un simple mot de passe stocké à côté) : quiconque copie ce fichier lirait les clés qui protègent les données des patients. Le poste refuse de l&apos;utiliser pour ses clés et jetons. {advice}</source>
        <translation>The configured keyring ({backend}) stores secrets in a file (in clear text, or encrypted with a simple password stored alongside): anyone who copies that file could read the keys that protect patient data. The workstation refuses to use it for its keys and tokens. {advice}</translation>
    </message>
    <message>
        <source>Le trousseau configuré ({backend}) n&apos;est pas un vrai trousseau : aucun trousseau sécurisé du système n&apos;a été trouvé (session sans Secret Service, ou trousseau désactivé). Le poste refuse de l&apos;utiliser pour ses clés et jetons. {advice}</source>
        <translation>The configured keyring ({backend}) is not a real keyring: no secure system keyring was found (session without Secret Service, or keyring disabled). The workstation refuses to use it for its keys and tokens. {advice}</translation>
    </message>
    <message>
        <source>Le trousseau configuré ({backend}) n&apos;est pas un trousseau du système reconnu par le poste : rien ne garantit qu&apos;il protège les secrets (chiffrement, accès réservé à votre session). Le poste refuse de l&apos;utiliser pour ses clés et jetons. {advice}</source>
        <translation>The configured keyring ({backend}) is not a system keyring recognised by the workstation: nothing guarantees that it protects secrets (encryption, access restricted to your session). The workstation refuses to use it for its keys and tokens. {advice}</translation>
    </message>
    <message>
        <source>mémoire du processus (rien n&apos;est conservé)</source>
        <translation>process memory (nothing is kept)</translation>
    </message>
    <message>
        <source>Une entrée du trousseau du poste est illisible (modifiée hors du poste). Supprimez-la dans le gestionnaire de trousseau ; le poste la recréera.</source>
        <translation>An entry in the workstation&apos;s keyring is unreadable (modified outside the workstation). Delete it in the keyring manager; the workstation will recreate it.</translation>
    </message>
    <message>
        <source>Une clé du trousseau du poste n&apos;a pas la bonne taille (modifiée hors du poste).</source>
        <translation>A key in the workstation&apos;s keyring has the wrong size (modified outside the workstation).</translation>
    </message>
    <message>
        <source>Le trousseau du système est verrouillé : déverrouillez-le (mot de passe de votre session) puis recommencez.</source>
        <translation>The system keyring is locked: unlock it (your session password), then try again.</translation>
    </message>
    <message>
        <source>Entrée absente du trousseau.</source>
        <translation>Entry not found in the keyring.</translation>
    </message>
    <message>
        <source>Le trousseau du système ne répond pas : le poste ne peut ni lire ni enregistrer ses clés. Vérifiez que le trousseau de votre session est démarré et déverrouillé.</source>
        <translation>The system keyring is not responding: the workstation can neither read nor save its keys. Check that your session&apos;s keyring is running and unlocked.</translation>
    </message>
    <message>
        <source>La connexion par le navigateur n&apos;a pas abouti à temps : recommencez.</source>
        <translation>Sign-in through the browser did not complete in time: please try again.</translation>
    </message>
    <message>
        <source>Le navigateur du système n&apos;a pas pu être ouvert : la connexion Pro Santé Connect en a besoin.</source>
        <translation>The system browser could not be opened: Pro Santé Connect sign-in needs it.</translation>
    </message>
    <message>
        <source>Connexion sécurisée au fournisseur d&apos;identité refusée (certificat non reconnu).</source>
        <translation>Secure connection to the identity provider refused (certificate not recognised).</translation>
    </message>
    <message>
        <source>Le fournisseur d&apos;identité est injoignable : réessayez plus tard.</source>
        <translation>The identity provider cannot be reached: try again later.</translation>
    </message>
    <message>
        <source>Le fournisseur d&apos;identité est indisponible : réessayez plus tard.</source>
        <translation>The identity provider is unavailable: try again later.</translation>
    </message>
    <message>
        <source>La réponse du fournisseur d&apos;identité n&apos;est pas digne de confiance : connexion refusée. Si cela se reproduit, prévenez le support (possible tentative d&apos;usurpation).</source>
        <translation>The identity provider&apos;s response cannot be trusted: sign-in refused. If this happens again, inform support (possible impersonation attempt).</translation>
    </message>
    <message>
        <source>Le fournisseur d&apos;identité a refusé la connexion.</source>
        <translation>The identity provider refused the sign-in.</translation>
    </message>
    <message>
        <source>Le fournisseur d&apos;identité a refusé la connexion ({reason}).</source>
        <translation>The identity provider refused the sign-in ({reason}).</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>La connexion a échoué à cause d&apos;une erreur inattendue. Réessayez ; si cela persiste, contactez le support (le détail est dans le journal).</source>
        <extracomment>Shown (translated) when the login function fails with an error that has no ``user_message``.</extracomment>
        <translation>Sign-in failed because of an unexpected error. Try again; if the problem persists, contact support (the details are in the log).</translation>
    </message>
    <message>
        <source>Connexion — Poste de téléradiologie</source>
        <translation>Sign in — Teleradiology workstation</translation>
    </message>
    <message>
        <source>Poste de lecture de téléradiologie</source>
        <translation>Teleradiology reading workstation</translation>
    </message>
    <message>
        <source>Plateforme : {platform}</source>
        <translation>Platform: {platform}</translation>
    </message>
    <message>
        <source>Authentification à deux facteurs</source>
        <translation>Two-factor authentication</translation>
    </message>
    <message>
        <source>Votre identifiant</source>
        <translation>Your username</translation>
    </message>
    <message>
        <source>Votre mot de passe</source>
        <translation>Your password</translation>
    </message>
    <message>
        <source>Plateforme injoignable : saisissez ici un de vos codes de reprise hors ligne (12 chiffres, chacun valable une fois).</source>
        <translation>Platform unreachable: type one of your offline restart codes here (12 digits, each valid once).</translation>
    </message>
    <message>
        <source>{count} chiffres de votre application</source>
        <translation>{count} digits from your authenticator app</translation>
    </message>
    <message>
        <source>&amp;Identifiant</source>
        <translation>&amp;Username</translation>
    </message>
    <message>
        <source>&amp;Mot de passe</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <source>&amp;Code à usage unique</source>
        <translation>&amp;One-time code</translation>
    </message>
    <message>
        <source>Erreur de connexion</source>
        <translation>Sign-in error</translation>
    </message>
    <message>
        <source>Se connecter</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Quitter</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>La page de connexion s&apos;ouvre dans votre navigateur ; revenez ici une fois connecté.</source>
        <translation>The sign-in page opens in your browser; come back here once you are signed in.</translation>
    </message>
    <message>
        <source>ou</source>
        <translation>or</translation>
    </message>
    <message>
        <source>Se connecter avec Pro Santé Connect</source>
        <translation>Sign in with Pro Santé Connect</translation>
    </message>
    <message>
        <source>Connexion…</source>
        <translation>Signing in…</translation>
    </message>
</context>
<context>
    <name>OfflineCodesDialog</name>
    <message>
        <source>Codes de reprise hors ligne</source>
        <translation>Offline restart codes</translation>
    </message>
    <message>
        <source>Si le poste doit être relancé pendant une panne de la plateforme, la session ne s&apos;ouvre qu&apos;avec votre mot de passe ET un de ces codes, saisi dans le champ du code à usage unique, dans les 12 heures qui suivent votre dernière connexion à deux facteurs. Chaque code sert une fois. Notez-les hors du poste (papier, téléphone) : ils ne seront plus affichés. Obtenir de nouveaux codes annule les précédents sur ce poste.</source>
        <translation>If the workstation has to be restarted while the platform is down, the session opens only with your password AND one of these codes, typed in the one-time code field, within 12 hours of your last two-factor sign-in. Each code works once. Write them down away from the workstation (paper, phone): they will not be shown again. Getting new codes cancels the previous ones on this workstation.</translation>
    </message>
    <message>
        <source>&amp;Obtenir des codes</source>
        <translation>&amp;Get codes</translation>
    </message>
    <message>
        <source>Les codes n&apos;ont pas pu être obtenus de la plateforme (le détail est dans le journal).</source>
        <translation>The codes could not be obtained from the platform (details in the log).</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <source>Une session est déjà ouverte sur ce poste.</source>
        <translation>A session is already open on this workstation.</translation>
    </message>
    <message>
        <source>Une session a été ouverte entre-temps sur ce poste.</source>
        <translation>A session was opened on this workstation in the meantime.</translation>
    </message>
    <message>
        <source>Hors ligne, seul le dernier utilisateur connecté sur ce poste peut reprendre sa session.</source>
        <translation>Offline, only the last user logged in on this workstation can resume their session.</translation>
    </message>
    <message>
        <source>La plateforme est injoignable et votre dernière authentification forte est trop ancienne (plus de 12 heures) : reconnectez-vous quand la plateforme sera joignable.</source>
        <translation>The platform cannot be reached and your last strong authentication is too old (more than 12 hours): log in again when the platform is reachable.</translation>
    </message>
    <message>
        <source>Identifiant ou mot de passe incorrect.</source>
        <translation>Incorrect username or password.</translation>
    </message>
    <message>
        <source>La plateforme est injoignable et vous n&apos;avez pas préparé de codes de reprise hors ligne sur ce poste : la session ne peut pas être ouverte sans second facteur. Reconnectez-vous quand la plateforme sera joignable.</source>
        <translation>The platform is unreachable and you have not prepared offline restart codes on this workstation: the session cannot be opened without a second factor. Sign in again when the platform is reachable.</translation>
    </message>
    <message>
        <source>La plateforme est injoignable : saisissez dans le champ du code un de vos codes de reprise hors ligne (12 chiffres, chacun valable une fois), pas le code de votre application.</source>
        <translation>The platform is unreachable: type one of your offline restart codes (12 digits, each valid once) in the code field, not the code from your app.</translation>
    </message>
    <message>
        <source>Votre dernière authentification forte date de plus de {hours} heures : reconnectez-vous avec votre mot de passe et votre code à usage unique.</source>
        <translation>Your last strong authentication was more than {hours} hours ago: log in again with your password and one-time code.</translation>
    </message>
    <message>
        <source>La session n&apos;est pas verrouillée.</source>
        <translation>The session is not locked.</translation>
    </message>
    <message>
        <source>La session a changé pendant la vérification : reconnectez-vous.</source>
        <translation>The session changed during the check: please log in again.</translation>
    </message>
    <message>
        <source>La plateforme est injoignable et la session a été ouverte par un fournisseur d&apos;identité : le mot de passe ne peut pas être vérifié sur le poste. Reconnectez-vous quand la plateforme sera joignable.</source>
        <translation>The platform cannot be reached and the session was opened through an identity provider: the password cannot be checked on this workstation. Log in again when the platform is reachable.</translation>
    </message>
    <message>
        <source>La plateforme est injoignable et votre dernière authentification forte est trop ancienne pour déverrouiller hors ligne : reconnectez-vous quand la plateforme sera joignable.</source>
        <translation>The platform cannot be reached and your last strong authentication is too old to unlock offline: log in again when the platform is reachable.</translation>
    </message>
    <message>
        <source>Trop de mots de passe erronés : la session est fermée. Reconnectez-vous avec votre mot de passe et votre code à usage unique.</source>
        <translation>Too many wrong passwords: the session has been closed. Log in again with your password and one-time code.</translation>
    </message>
    <message>
        <source>Mot de passe incorrect. Il vous reste {remaining} essais.</source>
        <translation>Incorrect password. {remaining} attempts left.</translation>
    </message>
    <message>
        <source>Mot de passe incorrect. Il vous reste {remaining} essai.</source>
        <translation>Incorrect password. {remaining} attempt left.</translation>
    </message>
    <message>
        <source>Aucune session active.</source>
        <translation>No active session.</translation>
    </message>
    <message>
        <source>La plateforme est injoignable et votre dernière authentification forte est trop ancienne pour signer hors ligne.</source>
        <translation>The platform cannot be reached and your last strong authentication is too old to sign offline.</translation>
    </message>
    <message>
        <source>Mot de passe incorrect.</source>
        <translation>Incorrect password.</translation>
    </message>
</context>
</TS>
