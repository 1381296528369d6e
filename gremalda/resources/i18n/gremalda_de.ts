<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
  <context>
    <name>AgendaEditor</name>
    <message>
      <source>Choose a meeting in the navigation, or make a new one.</source>
      <translation>Wählen Sie links eine Sitzung, oder legen Sie eine neue an.</translation>
    </message>
    <message>
      <source>Agenda editor</source>
      <translation>Tagesordnung bearbeiten</translation>
    </message>
    <message>
      <source>&amp;Add item…</source>
      <translation>TOP hin&amp;zufügen…</translation>
    </message>
    <message>
      <source>Re&amp;name…</source>
      <translation>&amp;Umbenennen…</translation>
    </message>
    <message>
      <source>P&amp;ublic / not public</source>
      <translation>Ö&amp;ffentlich / nicht öffentlich</translation>
    </message>
    <message>
      <source>&amp;Remove…</source>
      <translation>&amp;Entfernen…</translation>
    </message>
    <message>
      <source>Up</source>
      <translation>Nach oben</translation>
    </message>
    <message>
      <source>Down</source>
      <translation>Nach unten</translation>
    </message>
    <message>
      <source>Move the item up (Alt+Up)</source>
      <translation>TOP nach oben schieben (Alt+Pfeil hoch)</translation>
    </message>
    <message>
      <source>Move the item down (Alt+Down)</source>
      <translation>TOP nach unten schieben (Alt+Pfeil runter)</translation>
    </message>
    <message>
      <source>Draft: only clerks see it until it is published.</source>
      <translation>Entwurf: nur der Sitzungsdienst sieht ihn, bis er veröffentlicht ist.</translation>
    </message>
    <message>
      <source>Published %1.</source>
      <translation>Veröffentlicht %1.</translation>
    </message>
    <message>
      <source>Published.</source>
      <translation>Veröffentlicht.</translation>
    </message>
    <message numerus="yes">
      <source>Notice deadline (%n day(s)): %1</source>
      <translation>
        <numerusform>Ladungsfrist (%n Tag): %1</numerusform>
        <numerusform>Ladungsfrist (%n Tage): %1</numerusform>
      </translation>
    </message>
    <message>
      <source>Add agenda item</source>
      <translation>TOP hinzufügen</translation>
    </message>
    <message>
      <source>Title of the new item:</source>
      <translation>Titel des neuen TOP:</translation>
    </message>
    <message>
      <source>Rename agenda item</source>
      <translation>TOP umbenennen</translation>
    </message>
    <message>
      <source>Title:</source>
      <translation>Titel:</translation>
    </message>
    <message>
      <source>Open document</source>
      <translation>Dokument öffnen</translation>
    </message>
    <message>
      <source>Replace document…</source>
      <translation>Dokument ersetzen…</translation>
    </message>
    <message>
      <source>Remove document…</source>
      <translation>Dokument entfernen…</translation>
    </message>
    <message>
      <source>Unlink paper…</source>
      <translation>Verknüpfung zur Vorlage lösen…</translation>
    </message>
    <message>
      <source>Rename…</source>
      <translation>Umbenennen…</translation>
    </message>
    <message>
      <source>Remove item…</source>
      <translation>TOP entfernen…</translation>
    </message>
    <message>
      <source>Remove agenda item</source>
      <translation>TOP entfernen</translation>
    </message>
    <message>
      <source>Remove the item “%1” with its documents? The others are renumbered.</source>
      <translation>Den TOP „%1“ mit seinen Dokumenten entfernen? Die übrigen werden neu nummeriert.</translation>
    </message>
    <message>
      <source>Remove</source>
      <translation>Entfernen</translation>
    </message>
    <message>
      <source>Remove the document “%1”?</source>
      <translation>Das Dokument „%1“ entfernen?</translation>
    </message>
    <message>
      <source>It belongs to the paper “%1”: it is removed from the paper, on every agenda that consults it.</source>
      <translation>Es gehört zur Vorlage „%1“: Es wird aus der Vorlage entfernt, auf jeder Tagesordnung, die sie berät.</translation>
    </message>
    <message>
      <source>The meeting is published: the document disappears from the members' devices with their next synchronisation.</source>
      <translation>Die Sitzung ist veröffentlicht: Das Dokument verschwindet mit der nächsten Synchronisation von den Geräten der Mitglieder.</translation>
    </message>
    <message>
      <source>Remove document</source>
      <translation>Dokument entfernen</translation>
    </message>
    <message>
      <source>Unlink paper</source>
      <translation>Verknüpfung zur Vorlage lösen</translation>
    </message>
    <message>
      <source>Unlink the paper “%1” from the item “%2”? The paper itself stays.</source>
      <translation>Die Verknüpfung der Vorlage „%1“ mit dem TOP „%2“ lösen? Die Vorlage selbst bleibt erhalten.</translation>
    </message>
    <message>
      <source>Unlink</source>
      <translation>Verknüpfung lösen</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
  </context>
  <context>
    <name>AgendaModel</name>
    <message>
      <source>Meeting documents</source>
      <translation>Sitzungsunterlagen</translation>
    </message>
    <message>
      <source>Drop PDFs here for the meeting itself (e.g. the invitation).</source>
      <translation>PDFs für die Sitzung selbst hierher ziehen (z. B. die Einladung).</translation>
    </message>
    <message>
      <source>TOP %1</source>
      <translation>TOP %1</translation>
    </message>
    <message>
      <source>Agenda item</source>
      <translation>Tagesordnungspunkt</translation>
    </message>
    <message>
      <source>not public</source>
      <translation>nicht öffentlich</translation>
    </message>
    <message>
      <source>Not public: only for those entitled to it.</source>
      <translation>Nicht öffentlich: nur für Berechtigte.</translation>
    </message>
    <message>
      <source>Papers: %1</source>
      <translation>Vorlagen: %1</translation>
    </message>
    <message>
      <source>Paper %1</source>
      <translation>Vorlage %1</translation>
    </message>
    <message>
      <source>Change: %1</source>
      <translation>Änderung: %1</translation>
    </message>
  </context>
  <context>
    <name>AgendaView</name>
    <message>
      <source>new</source>
      <translation>neu</translation>
    </message>
    <message>
      <source>changed</source>
      <translation>geändert</translation>
    </message>
    <message>
      <source>unread</source>
      <translation>ungelesen</translation>
    </message>
    <message>
      <source>No meeting chosen</source>
      <translation>Keine Sitzung gewählt</translation>
    </message>
    <message>
      <source>Choose a meeting or an e-file in the navigation.</source>
      <translation>Wählen Sie links eine Sitzung oder eine E-Akte.</translation>
    </message>
    <message>
      <source>Agenda</source>
      <translation>Tagesordnung</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Meeting</source>
      <translation>Sitzung</translation>
    </message>
    <message>
      <source>This meeting has been cancelled.</source>
      <translation>Diese Sitzung ist abgesagt.</translation>
    </message>
    <message>
      <source>Draft: this meeting has not been published yet.</source>
      <translation>Entwurf: Diese Sitzung ist noch nicht veröffentlicht.</translation>
    </message>
    <message>
      <source>Agenda of %1</source>
      <translation>Tagesordnung: %1</translation>
    </message>
    <message>
      <source>Meeting documents</source>
      <translation>Sitzungsunterlagen</translation>
    </message>
    <message>
      <source>The agenda is empty.</source>
      <translation>Die Tagesordnung ist leer.</translation>
    </message>
    <message numerus="yes">
      <source>E-file · %n process(es)</source>
      <translation>
        <numerusform>E-Akte · %n Vorgang</numerusform>
        <numerusform>E-Akte · %n Vorgänge</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n document(s)</source>
      <translation>
        <numerusform>%n Dokument</numerusform>
        <numerusform>%n Dokumente</numerusform>
      </translation>
    </message>
    <message>
      <source>Processes and documents</source>
      <translation>Vorgänge und Dokumente</translation>
    </message>
    <message>
      <source>E-file %1</source>
      <translation>E-Akte %1</translation>
    </message>
    <message>
      <source>Process</source>
      <translation>Vorgang</translation>
    </message>
    <message>
      <source>Document</source>
      <translation>Dokument</translation>
    </message>
    <message>
      <source>no file</source>
      <translation>keine Datei</translation>
    </message>
    <message>
      <source>TOP %1</source>
      <translation>TOP %1</translation>
    </message>
    <message>
      <source>Agenda item</source>
      <translation>Tagesordnungspunkt</translation>
    </message>
    <message>
      <source>Papers: %1</source>
      <translation>Drucksachen: %1</translation>
    </message>
    <message>
      <source>Result: %1</source>
      <translation>Ergebnis: %1</translation>
    </message>
    <message>
      <source>not public</source>
      <translation>nicht öffentlich</translation>
    </message>
    <message>
      <source>Not public: only for those entitled to it.</source>
      <translation>Nicht öffentlich: nur für Berechtigte.</translation>
    </message>
    <message>
      <source>Change: %1</source>
      <translation>Änderung: %1</translation>
    </message>
    <message>
      <source>Not downloaded yet: it arrives with the next synchronisation.</source>
      <translation>Noch nicht heruntergeladen: kommt mit der nächsten Synchronisierung.</translation>
    </message>
    <message>
      <source>not downloaded</source>
      <translation>nicht geladen</translation>
    </message>
  </context>
  <context>
    <name>AnnotationCommands</name>
    <message>
      <source>&amp;Annotations panel</source>
      <translation>&amp;Bereich Anmerkungen</translation>
    </message>
    <message>
      <source>The annotations of this document or meeting</source>
      <translation>Die Anmerkungen dieses Dokuments oder dieser Sitzung</translation>
    </message>
    <message>
      <source>Export annotated &amp;PDF…</source>
      <translation>&amp;PDF mit Anmerkungen exportieren…</translation>
    </message>
    <message>
      <source>Save this document with its annotations as real PDF annotations</source>
      <translation>Dieses Dokument mit seinen Anmerkungen als echte PDF-Anmerkungen speichern</translation>
    </message>
    <message>
      <source>Export &amp;XFDF…</source>
      <translation>&amp;XFDF exportieren…</translation>
    </message>
    <message>
      <source>Save this document's annotations as XFDF for other PDF programs</source>
      <translation>Die Anmerkungen dieses Dokuments als XFDF für andere PDF-Programme speichern</translation>
    </message>
    <message>
      <source>&amp;Import XFDF…</source>
      <translation>XFDF &amp;importieren…</translation>
    </message>
    <message>
      <source>Add the annotations of an XFDF file to this document</source>
      <translation>Die Anmerkungen einer XFDF-Datei zu diesem Dokument hinzufügen</translation>
    </message>
    <message>
      <source>Notes &amp;summary of this meeting (PDF)…</source>
      <translation>Notiz&amp;übersicht dieser Sitzung (PDF)…</translation>
    </message>
    <message>
      <source>All notes of this meeting's documents as one PDF (page, item, text, date)</source>
      <translation>Alle Notizen zu den Dokumenten dieser Sitzung als ein PDF (Seite, TOP, Text, Datum)</translation>
    </message>
    <message>
      <source>&amp;Orphaned annotations…</source>
      <translation>&amp;Verwaiste Anmerkungen…</translation>
    </message>
    <message>
      <source>Annotations kept whose document is gone or changed</source>
      <translation>Aufbewahrte Anmerkungen, deren Dokument entfernt oder geändert wurde</translation>
    </message>
    <message numerus="yes">
      <source>%n annotation(s) kept without their place: see Annotations → Orphaned annotations.</source>
      <translation>
        <numerusform>%n Anmerkung ohne ihren Platz aufbewahrt: siehe Anmerkungen → Verwaiste Anmerkungen.</numerusform>
        <numerusform>%n Anmerkungen ohne ihren Platz aufbewahrt: siehe Anmerkungen → Verwaiste Anmerkungen.</numerusform>
      </translation>
    </message>
    <message>
      <source>Open a document first.</source>
      <translation>Öffnen Sie zuerst ein Dokument.</translation>
    </message>
    <message>
      <source>Working…</source>
      <translation>In Arbeit…</translation>
    </message>
    <message>
      <source>Document password</source>
      <translation>Passwort des Dokuments</translation>
    </message>
    <message>
      <source>The password is wrong. Enter the document's password again:</source>
      <translation>Das Passwort ist falsch. Geben Sie das Passwort des Dokuments noch einmal ein:</translation>
    </message>
    <message>
      <source>This document is protected by a password. Enter its password:</source>
      <translation>Dieses Dokument ist durch ein Passwort geschützt. Geben Sie sein Passwort ein:</translation>
    </message>
    <message>
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <source>Cancelled: nothing was changed.</source>
      <translation>Abgebrochen: Nichts wurde geändert.</translation>
    </message>
    <message>
      <source>Saved as %1.</source>
      <translation>Gespeichert als %1.</translation>
    </message>
    <message>
      <source>%1 (annotated)</source>
      <translation>%1 (mit Anmerkungen)</translation>
    </message>
    <message>
      <source>PDF documents (*.pdf)</source>
      <translation>PDF-Dokumente (*.pdf)</translation>
    </message>
    <message>
      <source>Export annotated PDF</source>
      <translation>PDF mit Anmerkungen exportieren</translation>
    </message>
    <message numerus="yes">
      <source>Saved as %1 with %n annotation(s).</source>
      <translation>
        <numerusform>Gespeichert als %1 mit %n Anmerkung.</numerusform>
        <numerusform>Gespeichert als %1 mit %n Anmerkungen.</numerusform>
      </translation>
    </message>
    <message>
      <source>Export XFDF</source>
      <translation>XFDF exportieren</translation>
    </message>
    <message>
      <source>XFDF annotations (*.xfdf)</source>
      <translation>XFDF-Anmerkungen (*.xfdf)</translation>
    </message>
    <message>
      <source>Import XFDF</source>
      <translation>XFDF importieren</translation>
    </message>
    <message>
      <source>All files (*)</source>
      <translation>Alle Dateien (*)</translation>
    </message>
    <message>
      <source>Sign in first: annotations need an account.</source>
      <translation>Melden Sie sich zuerst an: Anmerkungen brauchen ein Konto.</translation>
    </message>
    <message numerus="yes">
      <source>XFDF imported: %n new annotation(s)</source>
      <translation>
        <numerusform>XFDF importiert: %n neue Anmerkung</numerusform>
        <numerusform>XFDF importiert: %n neue Anmerkungen</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n changed</source>
      <translation>
        <numerusform>%n geändert</numerusform>
        <numerusform>%n geändert</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n unchanged</source>
      <translation>
        <numerusform>%n unverändert</numerusform>
        <numerusform>%n unverändert</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n of others left as they are</source>
      <translation>
        <numerusform>%n von jemand anderem unverändert gelassen</numerusform>
        <numerusform>%n von anderen unverändert gelassen</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n of kinds Gremalda does not have skipped</source>
      <translation>
        <numerusform>%n einer Art, die Gremalda nicht kennt, übersprungen</numerusform>
        <numerusform>%n von Arten, die Gremalda nicht kennt, übersprungen</numerusform>
      </translation>
    </message>
    <message>
      <source>Choose a meeting first.</source>
      <translation>Wählen Sie zuerst eine Sitzung.</translation>
    </message>
    <message>
      <source>Notes %1</source>
      <translation>Notizen %1</translation>
    </message>
    <message>
      <source>Notes summary of this meeting</source>
      <translation>Notizübersicht dieser Sitzung</translation>
    </message>
  </context>
  <context>
    <name>AnnotationMenu</name>
    <message>
      <source>&amp;Visible to</source>
      <translation>&amp;Sichtbar für</translation>
    </message>
    <message>
      <source>Who sees this annotation</source>
      <translation>Wer diese Anmerkung sieht</translation>
    </message>
    <message>
      <source>only its author can change who sees it</source>
      <translation>nur ihr Verfasser kann ändern, wer sie sieht</translation>
    </message>
  </context>
  <context>
    <name>AnnotationModel</name>
    <message>
      <source>Add highlight</source>
      <translation>Hervorhebung hinzufügen</translation>
    </message>
    <message>
      <source>Add underline</source>
      <translation>Unterstreichung hinzufügen</translation>
    </message>
    <message>
      <source>Add strike-out</source>
      <translation>Durchstreichung hinzufügen</translation>
    </message>
    <message>
      <source>Add drawing</source>
      <translation>Zeichnung hinzufügen</translation>
    </message>
    <message>
      <source>Add note</source>
      <translation>Notiz hinzufügen</translation>
    </message>
    <message>
      <source>Add text box</source>
      <translation>Textfeld hinzufügen</translation>
    </message>
    <message>
      <source>Delete highlight</source>
      <translation>Hervorhebung löschen</translation>
    </message>
    <message>
      <source>Delete underline</source>
      <translation>Unterstreichung löschen</translation>
    </message>
    <message>
      <source>Delete strike-out</source>
      <translation>Durchstreichung löschen</translation>
    </message>
    <message>
      <source>Delete drawing</source>
      <translation>Zeichnung löschen</translation>
    </message>
    <message>
      <source>Delete note</source>
      <translation>Notiz löschen</translation>
    </message>
    <message>
      <source>Delete text box</source>
      <translation>Textfeld löschen</translation>
    </message>
    <message>
      <source>Move highlight</source>
      <translation>Hervorhebung verschieben</translation>
    </message>
    <message>
      <source>Move underline</source>
      <translation>Unterstreichung verschieben</translation>
    </message>
    <message>
      <source>Move strike-out</source>
      <translation>Durchstreichung verschieben</translation>
    </message>
    <message>
      <source>Move drawing</source>
      <translation>Zeichnung verschieben</translation>
    </message>
    <message>
      <source>Move note</source>
      <translation>Notiz verschieben</translation>
    </message>
    <message>
      <source>Move text box</source>
      <translation>Textfeld verschieben</translation>
    </message>
    <message>
      <source>Change annotation</source>
      <translation>Anmerkung ändern</translation>
    </message>
    <message>
      <source>Change who sees the annotation</source>
      <translation>Ändern, wer die Anmerkung sieht</translation>
    </message>
  </context>
  <context>
    <name>AnnotationPanel</name>
    <message>
      <source>Highlight</source>
      <translation>Hervorhebung</translation>
    </message>
    <message>
      <source>Underline</source>
      <translation>Unterstreichung</translation>
    </message>
    <message>
      <source>Strike-out</source>
      <translation>Durchstreichung</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>Notiz</translation>
    </message>
    <message>
      <source>“%1”</source>
      <translation>„%1“</translation>
    </message>
    <message>
      <source>Drawing</source>
      <translation>Zeichnung</translation>
    </message>
    <message>
      <source>Text box</source>
      <translation>Textfeld</translation>
    </message>
    <message>
      <source>Show annotations of</source>
      <translation>Anmerkungen zeigen von</translation>
    </message>
    <message>
      <source>Annotations &amp;in:</source>
      <translation>Anmerkungen &amp;in:</translation>
    </message>
    <message>
      <source>This document</source>
      <translation>Dieses Dokument</translation>
    </message>
    <message>
      <source>This meeting</source>
      <translation>Diese Sitzung</translation>
    </message>
    <message>
      <source>Annotation kind filter</source>
      <translation>Filter nach Art der Anmerkung</translation>
    </message>
    <message>
      <source>All kinds</source>
      <translation>Alle Arten</translation>
    </message>
    <message>
      <source>Author filter</source>
      <translation>Filter nach Verfasser</translation>
    </message>
    <message>
      <source>All authors</source>
      <translation>Alle Verfasser</translation>
    </message>
    <message>
      <source>Only &amp;mine</source>
      <translation>Nur &amp;meine</translation>
    </message>
    <message>
      <source>Only my annotations</source>
      <translation>Nur meine Anmerkungen</translation>
    </message>
    <message>
      <source>Annotations status</source>
      <translation>Stand der Anmerkungen</translation>
    </message>
    <message>
      <source>Page</source>
      <translation>Seite</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>Art</translation>
    </message>
    <message>
      <source>Text</source>
      <translation>Text</translation>
    </message>
    <message>
      <source>Author</source>
      <translation>Verfasser</translation>
    </message>
    <message>
      <source>Date</source>
      <translation>Datum</translation>
    </message>
    <message>
      <source>Visible to</source>
      <translation>Sichtbar für</translation>
    </message>
    <message>
      <source>Annotations</source>
      <translation>Anmerkungen</translation>
    </message>
    <message>
      <source>This e-file</source>
      <translation>Diese E-Akte</translation>
    </message>
    <message>
      <source>%1 (read-only)</source>
      <translation>%1 (schreibgeschützt)</translation>
    </message>
    <message>
      <source>Page %1 · %2 · by you</source>
      <translation>Seite %1 · %2 · von Ihnen</translation>
    </message>
    <message>
      <source>Page %1 · %2 · by %3; read-only: only its author can change it.</source>
      <translation>Seite %1 · %2 · von %3; schreibgeschützt: nur der Verfasser kann sie ändern.</translation>
    </message>
    <message>
      <source>Not found again in the new version of the document: please check it.</source>
      <translation>In der neuen Fassung des Dokuments nicht wiedergefunden: bitte prüfen.</translation>
    </message>
    <message>
      <source>No documents in this folder.</source>
      <translation>In diesem Ordner sind keine Dokumente.</translation>
    </message>
    <message>
      <source>Open a document to see its annotations.</source>
      <translation>Öffnen Sie ein Dokument, um seine Anmerkungen zu sehen.</translation>
    </message>
    <message>
      <source>No annotations in these documents yet.</source>
      <translation>Zu diesen Dokumenten gibt es noch keine Anmerkungen.</translation>
    </message>
    <message>
      <source>No annotations left in this version.</source>
      <translation>In dieser Fassung gibt es keine Anmerkungen mehr.</translation>
    </message>
    <message>
      <source>No annotations in this document yet.</source>
      <translation>In diesem Dokument gibt es noch keine Anmerkungen.</translation>
    </message>
    <message numerus="yes">
      <source>%n annotation(s)</source>
      <translation>
        <numerusform>%n Anmerkung</numerusform>
        <numerusform>%n Anmerkungen</numerusform>
      </translation>
    </message>
    <message>
      <source>%1 of %2 annotations shown (filtered)</source>
      <translation>%1 von %2 Anmerkungen gezeigt (gefiltert)</translation>
    </message>
    <message>
      <source>Annotation menu</source>
      <translation>Menü der Anmerkung</translation>
    </message>
    <message>
      <source>&amp;Show in the document</source>
      <translation>Im Dokument &amp;zeigen</translation>
    </message>
    <message>
      <source>&amp;Delete</source>
      <translation>&amp;Löschen</translation>
    </message>
  </context>
  <context>
    <name>AnnotationToolBar</name>
    <message>
      <source>Annotation tools</source>
      <translation>Werkzeuge für Anmerkungen</translation>
    </message>
    <message>
      <source>Browse</source>
      <translation>Lesen</translation>
    </message>
    <message>
      <source>Select</source>
      <translation>Auswählen</translation>
    </message>
    <message>
      <source>Highlight</source>
      <translation>Hervorheben</translation>
    </message>
    <message>
      <source>Underline</source>
      <translation>Unterstreichen</translation>
    </message>
    <message>
      <source>Strike out</source>
      <translation>Durchstreichen</translation>
    </message>
    <message>
      <source>drag over the words</source>
      <translation>über die Wörter ziehen</translation>
    </message>
    <message>
      <source>read and scroll (no tool)</source>
      <translation>blättern, ohne etwas zu markieren (kein Werkzeug)</translation>
    </message>
    <message>
      <source>pick annotations to move, edit or delete them</source>
      <translation>Anmerkungen anklicken, um sie zu verschieben, zu bearbeiten oder zu löschen</translation>
    </message>
    <message>
      <source>Pen</source>
      <translation>Stift</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>Notiz</translation>
    </message>
    <message>
      <source>Text box</source>
      <translation>Textfeld</translation>
    </message>
    <message>
      <source>Eraser</source>
      <translation>Radierer</translation>
    </message>
    <message>
      <source>draw by hand with the mouse or a stylus</source>
      <translation>von Hand zeichnen, mit der Maus oder auf einem Tablett</translation>
    </message>
    <message>
      <source>click where it belongs</source>
      <translation>an die Stelle klicken, an die sie gehört</translation>
    </message>
    <message>
      <source>click or drag a box to write on the page</source>
      <translation>klicken oder ein Feld aufziehen, um auf die Seite zu schreiben</translation>
    </message>
    <message>
      <source>click or drag over annotations to delete them</source>
      <translation>Anmerkungen anklicken oder darüber ziehen, um sie zu löschen</translation>
    </message>
    <message>
      <source>Annotation colours</source>
      <translation>Farben der Anmerkungen</translation>
    </message>
    <message>
      <source>Yellow</source>
      <translation>Gelb</translation>
    </message>
    <message>
      <source>Green</source>
      <translation>Grün</translation>
    </message>
    <message>
      <source>Blue</source>
      <translation>Blau</translation>
    </message>
    <message>
      <source>Red</source>
      <translation>Rot</translation>
    </message>
    <message>
      <source>Pink</source>
      <translation>Rosa</translation>
    </message>
    <message>
      <source>Black</source>
      <translation>Schwarz</translation>
    </message>
    <message>
      <source>Other colour…</source>
      <translation>Andere Farbe…</translation>
    </message>
    <message>
      <source>Colour</source>
      <translation>Farbe</translation>
    </message>
    <message>
      <source>Colour of the tool (or of the selected annotation)</source>
      <translation>Farbe des Werkzeugs (oder der ausgewählten Anmerkung)</translation>
    </message>
    <message>
      <source>Annotation colour</source>
      <translation>Farbe der Anmerkung</translation>
    </message>
    <message>
      <source>Line widths</source>
      <translation>Linienstärken</translation>
    </message>
    <message>
      <source>Thin</source>
      <translation>Dünn</translation>
    </message>
    <message>
      <source>Medium</source>
      <translation>Mittel</translation>
    </message>
    <message>
      <source>Thick</source>
      <translation>Dick</translation>
    </message>
    <message>
      <source>Very thick</source>
      <translation>Sehr dick</translation>
    </message>
    <message>
      <source>Width</source>
      <translation>Stärke</translation>
    </message>
    <message>
      <source>Line width of the pen and of text box frames</source>
      <translation>Linienstärke des Stifts und der Rahmen von Textfeldern</translation>
    </message>
    <message>
      <source>Line width</source>
      <translation>Linienstärke</translation>
    </message>
    <message>
      <source>Undo</source>
      <translation>Rückgängig</translation>
    </message>
    <message>
      <source>Redo</source>
      <translation>Wiederholen</translation>
    </message>
  </context>
  <context>
    <name>AnnotationTools</name>
    <message>
      <source>Note</source>
      <translation>Notiz</translation>
    </message>
    <message>
      <source>Text box</source>
      <translation>Textfeld</translation>
    </message>
    <message>
      <source>Annotation menu</source>
      <translation>Menü der Anmerkung</translation>
    </message>
    <message>
      <source>&amp;Edit text…</source>
      <translation>Text &amp;bearbeiten…</translation>
    </message>
    <message>
      <source>&amp;Delete</source>
      <translation>&amp;Löschen</translation>
    </message>
    <message>
      <source>Erase</source>
      <translation>Radieren</translation>
    </message>
    <message>
      <source>%1, %2 (read-only)</source>
      <translation>%1, %2 (schreibgeschützt)</translation>
    </message>
    <message>
      <source>Check this annotation: its text was not found in the new version.</source>
      <translation>Bitte prüfen: Der Text dieser Anmerkung wurde in der neuen Fassung nicht gefunden.</translation>
    </message>
  </context>
  <context>
    <name>ArrivalNotice</name>
    <message>
      <source>New version for %1: %2</source>
      <translation>Neue Fassung zu %1: %2</translation>
    </message>
    <message>
      <source>New version: %2</source>
      <translation>Neue Fassung: %2</translation>
    </message>
    <message>
      <source>Late paper for %1: %2</source>
      <translation>Nachtrag zu %1: %2</translation>
    </message>
    <message>
      <source>Late paper: %2</source>
      <translation>Nachtrag: %2</translation>
    </message>
    <message>
      <source>New document for %1: %2</source>
      <translation>Neues Dokument zu %1: %2</translation>
    </message>
    <message>
      <source>New document: %2</source>
      <translation>Neues Dokument: %2</translation>
    </message>
    <message>
      <source>&amp;Open</source>
      <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
      <source>Among them: %1</source>
      <translation>Darunter: %1</translation>
    </message>
  </context>
  <context>
    <name>ChoiceDialog</name>
    <message>
      <source>Filter</source>
      <translation>Filter</translation>
    </message>
    <message>
      <source>Filter…</source>
      <translation>Filtern…</translation>
    </message>
  </context>
  <context>
    <name>ClerkDialogs</name>
    <message>
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
  </context>
  <context>
    <name>ClerkText</name>
    <message>
      <source>The file cannot be read: %1.</source>
      <translation>Die Datei kann nicht gelesen werden: %1.</translation>
    </message>
    <message>
      <source>The file is empty.</source>
      <translation>Die Datei ist leer.</translation>
    </message>
    <message>
      <source>The file is larger than the server accepts (%1); it cannot be attached.</source>
      <translation>Die Datei ist größer, als der Server annimmt (%1); sie kann nicht angehängt werden.</translation>
    </message>
    <message>
      <source>The file is not a readable PDF.</source>
      <translation>Die Datei ist kein lesbares PDF.</translation>
    </message>
    <message>
      <source>The PDF is protected by a password; members' devices could not open it. Save a copy without password protection and attach that.</source>
      <translation>Das PDF ist durch ein Passwort geschützt; die Geräte der Mitglieder könnten es nicht öffnen. Speichern Sie eine Kopie ohne Passwortschutz und hängen Sie diese an.</translation>
    </message>
    <message>
      <source>The PDF is protected by a password, and the password given is wrong.</source>
      <translation>Das PDF ist durch ein Passwort geschützt, und das angegebene Passwort ist falsch.</translation>
    </message>
    <message>
      <source>The PDF has no pages (it is probably damaged).</source>
      <translation>Das PDF hat keine Seiten (es ist wahrscheinlich beschädigt).</translation>
    </message>
    <message>
      <source>The PDF is damaged: no page can be read (it may be incomplete, e.g. a download or copy that did not finish).</source>
      <translation>Das PDF ist beschädigt: Keine Seite kann gelesen werden (es ist vielleicht unvollständig, z. B. ein Download oder eine Kopie, die nicht fertig wurde).</translation>
    </message>
    <message>
      <source>The PDF is damaged: %1 of %2 pages cannot be read (page %3).</source>
      <translation>Das PDF ist beschädigt: nicht lesbare Seiten: %1 von %2 (Seite %3).</translation>
    </message>
    <message>
      <source>Reading the PDF crashed the reader (the file is probably damaged or hostile).</source>
      <translation>Beim Lesen des PDFs ist das Leseprogramm abgestürzt (die Datei ist wahrscheinlich beschädigt oder bösartig).</translation>
    </message>
    <message>
      <source>Reading the PDF needed too much memory (the file is probably damaged or hostile).</source>
      <translation>Das Lesen des PDFs brauchte zu viel Speicher (die Datei ist wahrscheinlich beschädigt oder bösartig).</translation>
    </message>
    <message>
      <source>Reading the PDF took longer than %1 s and was stopped after %2 s (the file is probably damaged).</source>
      <translation>Das Lesen des PDFs dauerte länger als %1 s und wurde nach %2 s abgebrochen (die Datei ist wahrscheinlich beschädigt).</translation>
    </message>
    <message>
      <source>The PDF could not be checked: the checking process did not start within %1 s (the computer is very busy). Try again later; the file itself may well be fine.</source>
      <translation>Das PDF konnte nicht geprüft werden: Der Prüfprozess ist nicht innerhalb von %1 s gestartet (der Computer ist sehr ausgelastet). Versuchen Sie es später noch einmal; die Datei selbst ist wahrscheinlich in Ordnung.</translation>
    </message>
    <message>
      <source>The PDF was damaged and had to be repaired while reading it; it can be read here, but check it, other programs may not read it.</source>
      <translation>Das PDF war beschädigt und musste beim Lesen repariert werden; hier lässt es sich lesen, aber prüfen Sie es: Andere Programme können es vielleicht nicht lesen.</translation>
    </message>
    <message>
      <source>The PDF is encrypted (with restrictions, no password needed to open it).</source>
      <translation>Das PDF ist verschlüsselt (mit Einschränkungen; zum Öffnen ist kein Passwort nötig).</translation>
    </message>
    <message numerus="yes">
      <source>%n page(s) without text, only images (a scan without text recognition: not searchable): page %1.</source>
      <translation>
        <numerusform>%n Seite ohne Text, nur mit Bildern (ein Scan ohne Texterkennung: nicht durchsuchbar): Seite %1.</numerusform>
        <numerusform>%n Seiten ohne Text, nur mit Bildern (ein Scan ohne Texterkennung: nicht durchsuchbar): Seite %1.</numerusform>
      </translation>
    </message>
    <message>
      <source>This meeting (%1) is not in the offline copy (yet). Synchronise, then try again.</source>
      <translation>Diese Sitzung (%1) ist (noch) nicht in der Offline-Kopie. Synchronisieren Sie, dann versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>This agenda item (%1) is not in the offline copy (yet). Synchronise, then try again.</source>
      <translation>Dieser Tagesordnungspunkt (%1) ist (noch) nicht in der Offline-Kopie. Synchronisieren Sie, dann versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>This paper (%1) is not in the offline copy (yet). Synchronise, then try again.</source>
      <translation>Diese Vorlage (%1) ist (noch) nicht in der Offline-Kopie. Synchronisieren Sie, dann versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>This document (%1) is not in the offline copy (yet). Synchronise, then try again.</source>
      <translation>Dieses Dokument (%1) ist (noch) nicht in der Offline-Kopie. Synchronisieren Sie, dann versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>This body (%1) is not in the offline copy (yet). Synchronise, then try again.</source>
      <translation>Diese Körperschaft (%1) ist (noch) nicht in der Offline-Kopie. Synchronisieren Sie, dann versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>This committee (%1) is not in the offline copy (yet). Synchronise, then try again.</source>
      <translation>Dieses Gremium (%1) ist (noch) nicht in der Offline-Kopie. Synchronisieren Sie, dann versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>This consultation (%1) is not in the offline copy (yet). Synchronise, then try again.</source>
      <translation>Diese Beratung (%1) ist (noch) nicht in der Offline-Kopie. Synchronisieren Sie, dann versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>This (%1) is not in the offline copy (yet). Synchronise, then try again.</source>
      <translation>Dies (%1) ist (noch) nicht in der Offline-Kopie. Synchronisieren Sie, dann versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>The server refused the change as invalid. Synchronise, then check what you entered.</source>
      <translation>Der Server hat die Änderung als ungültig abgelehnt. Synchronisieren Sie, dann prüfen Sie Ihre Eingaben.</translation>
    </message>
    <message>
      <source>The server refused the change: it does not fit the current state (for example, something is still in use). Synchronise, then try again.</source>
      <translation>Der Server hat die Änderung abgelehnt: Sie passt nicht zum aktuellen Stand (zum Beispiel wird etwas noch verwendet). Synchronisieren Sie, dann versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>The server refused the change without the version it was made on. Synchronise, then try again.</source>
      <translation>Der Server hat die Änderung abgelehnt, weil der Stand fehlte, auf dem sie gemacht wurde. Synchronisieren Sie, dann versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>The document is larger than the server accepts; it cannot be attached.</source>
      <translation>Das Dokument ist größer, als der Server annimmt; es kann nicht angehängt werden.</translation>
    </message>
    <message>
      <source>The server does not accept this kind of file; attach a PDF.</source>
      <translation>Der Server nimmt diese Art von Datei nicht an; hängen Sie ein PDF an.</translation>
    </message>
    <message>
      <source>The upload did not match what the server has received. Attach the document again.</source>
      <translation>Das Hochladen passte nicht zu dem, was der Server erhalten hat. Hängen Sie das Dokument noch einmal an.</translation>
    </message>
    <message>
      <source>Too many requests in a short time. Wait a moment, then try again.</source>
      <translation>Zu viele Anfragen in kurzer Zeit. Warten Sie einen Moment, dann versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>This document is being uploaded already (in another window or from another device). Wait until that has finished.</source>
      <translation>Dieses Dokument wird bereits hochgeladen (in einem anderen Fenster oder von einem anderen Gerät). Warten Sie, bis das fertig ist.</translation>
    </message>
    <message>
      <source>A date and time needs a time zone.</source>
      <translation>Datum und Uhrzeit brauchen eine Zeitzone.</translation>
    </message>
    <message>
      <source>The new order does not name every agenda item of the meeting exactly once. Reload (synchronise) and try again.</source>
      <translation>Die neue Reihenfolge nennt nicht jeden Tagesordnungspunkt der Sitzung genau einmal. Laden Sie neu (synchronisieren) und versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>Only documents of meetings, agenda items and papers can be replaced here.</source>
      <translation>Hier lassen sich nur Dokumente von Sitzungen, Tagesordnungspunkten und Vorlagen ersetzen.</translation>
    </message>
    <message>
      <source>The notice period must be a whole number of days from 0 to 60.</source>
      <translation>Die Ladungsfrist muss eine ganze Zahl von Tagen zwischen 0 und 60 sein.</translation>
    </message>
    <message>
      <source>The server does not allow this account to change this (only clerks of the body may).</source>
      <translation>Der Server erlaubt diesem Konto nicht, dies zu ändern (das darf nur der Sitzungsdienst der Körperschaft).</translation>
    </message>
    <message>
      <source>%1: the file cannot be read (%2).</source>
      <translation>%1: Die Datei kann nicht gelesen werden (%2).</translation>
    </message>
    <message>
      <source>The server sent a delivery table that cannot be read.</source>
      <translation>Der Server hat einen Zustellnachweis geschickt, der sich nicht lesen lässt.</translation>
    </message>
    <message>
      <source>The hot folder %1 does not exist or is not a folder.</source>
      <translation>Der Eingangsordner %1 existiert nicht oder ist kein Ordner.</translation>
    </message>
    <message>
      <source>The hot folder %1 cannot be watched: %2.</source>
      <translation>Der Eingangsordner %1 kann nicht überwacht werden: %2.</translation>
    </message>
    <message>
      <source>The server refused the change: %1</source>
      <translation>Der Server hat die Änderung abgelehnt: %1</translation>
    </message>
  </context>
  <context>
    <name>ClerkWorkspace</name>
    <message>
      <source>Clerk workspace</source>
      <translation>Sitzungsdienst</translation>
    </message>
    <message>
      <source>Clerk &amp;workspace</source>
      <translation>Arbeitsbereich &amp;Sitzungsdienst</translation>
    </message>
    <message>
      <source>&amp;Clerk</source>
      <translation>&amp;Sitzungsdienst</translation>
    </message>
    <message>
      <source>&amp;New meeting…</source>
      <translation>&amp;Neue Sitzung…</translation>
    </message>
    <message>
      <source>&amp;Edit meeting…</source>
      <translation>Sitzung &amp;bearbeiten…</translation>
    </message>
    <message>
      <source>&amp;Attach documents…</source>
      <translation>Dokumente &amp;anhängen…</translation>
    </message>
    <message>
      <source>Link &amp;paper…</source>
      <translation>V&amp;orlage verknüpfen…</translation>
    </message>
    <message>
      <source>P&amp;ublish…</source>
      <translation>&amp;Veröffentlichen…</translation>
    </message>
    <message>
      <source>Add &amp;late paper (Nachtrag/Tischvorlage)…</source>
      <translation>Nach&amp;trag/Tischvorlage hinzufügen…</translation>
    </message>
    <message>
      <source>&amp;Replace document…</source>
      <translation>Dokument e&amp;rsetzen…</translation>
    </message>
    <message>
      <source>Proof of &amp;delivery…</source>
      <translation>&amp;Zustellnachweis…</translation>
    </message>
    <message>
      <source>&amp;Hot folder…</source>
      <translation>&amp;Eingangsordner…</translation>
    </message>
    <message>
      <source>The meeting was created as a draft.</source>
      <translation>Die Sitzung wurde als Entwurf angelegt.</translation>
    </message>
    <message>
      <source>The meeting is published: the members receive it now.</source>
      <translation>Die Sitzung ist veröffentlicht: die Mitglieder erhalten sie jetzt.</translation>
    </message>
    <message>
      <source>Attach documents</source>
      <translation>Dokumente anhängen</translation>
    </message>
    <message>
      <source>PDF documents (*.pdf)</source>
      <translation>PDF-Dokumente (*.pdf)</translation>
    </message>
    <message>
      <source>the chosen agenda item</source>
      <translation>den gewählten TOP</translation>
    </message>
    <message>
      <source>the meeting</source>
      <translation>die Sitzung</translation>
    </message>
    <message>
      <source>Add late paper</source>
      <translation>Nachtrag/Tischvorlage hinzufügen</translation>
    </message>
    <message>
      <source>A late paper (Nachtrag, Tischvorlage) for %1. Members' devices receive it within seconds; the change note tells them what it is.</source>
      <translation>Ein Nachtrag (Tischvorlage) für %1. Die Geräte der Mitglieder erhalten ihn in Sekunden; der Änderungshinweis sagt ihnen, worum es geht.</translation>
    </message>
    <message>
      <source>Link e-&amp;file document…</source>
      <translation>E-Akten-&amp;Dokument verknüpfen…</translation>
    </message>
    <message>
      <source>The meeting is published: a document added now is a late paper and needs a change note.</source>
      <translation>Die Sitzung ist veröffentlicht: Ein jetzt hinzugefügtes Dokument ist ein Nachtrag und braucht einen Änderungshinweis.</translation>
    </message>
    <message>
      <source>This document is not in the offline copy yet: synchronise first.</source>
      <translation>Dieses Dokument ist noch nicht in der Offline-Kopie: Synchronisieren Sie zuerst.</translation>
    </message>
    <message>
      <source>Choose the document to replace in the agenda editor first.</source>
      <translation>Wählen Sie zuerst in der Tagesordnung das Dokument, das ersetzt werden soll.</translation>
    </message>
    <message>
      <source>Replace document</source>
      <translation>Dokument ersetzen</translation>
    </message>
    <message>
      <source>The new version replaces the chosen document; members see the change note.</source>
      <translation>Die neue Fassung ersetzt das gewählte Dokument; die Mitglieder sehen den Änderungshinweis.</translation>
    </message>
    <message>
      <source>Choose an agenda item first.</source>
      <translation>Wählen Sie zuerst einen TOP.</translation>
    </message>
    <message>
      <source>Link paper</source>
      <translation>Vorlage verknüpfen</translation>
    </message>
    <message>
      <source>No e-file documents</source>
      <translation>Keine E-Akten-Dokumente</translation>
    </message>
    <message>
      <source>No e-file is shared with you. An e-file must be shared with the clerk before its documents can be put on an agenda; ask its owner to share it, then synchronise.</source>
      <translation>Mit Ihnen ist keine E-Akte geteilt. Eine E-Akte muss mit dem Sitzungsdienst geteilt sein, bevor ihre Dokumente auf eine Tagesordnung kommen können; bitten Sie die Aktenführung, sie zu teilen, und synchronisieren Sie dann.</translation>
    </message>
    <message>
      <source>Link e-file document</source>
      <translation>E-Akten-Dokument verknüpfen</translation>
    </message>
    <message>
      <source>Hot folder</source>
      <translation>Eingangsordner</translation>
    </message>
  </context>
  <context>
    <name>DeliveryDialog</name>
    <message>
      <source>Proof of delivery</source>
      <translation>Zustellnachweis</translation>
    </message>
    <message>
      <source>Delivery per member</source>
      <translation>Zustellung je Mitglied</translation>
    </message>
    <message>
      <source>Member</source>
      <translation>Mitglied</translation>
    </message>
    <message>
      <source>Role</source>
      <translation>Funktion</translation>
    </message>
    <message>
      <source>Deputy</source>
      <translation>Stellvertretung</translation>
    </message>
    <message>
      <source>Invitation complete</source>
      <translation>Einladung vollständig</translation>
    </message>
    <message>
      <source>Current folder complete</source>
      <translation>Aktueller Stand vollständig</translation>
    </message>
    <message>
      <source>First opened</source>
      <translation>Erstmals geöffnet</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Notice period in days (for the whole body)</source>
      <translation>Ladungsfrist in Tagen (für die ganze Körperschaft)</translation>
    </message>
    <message>
      <source> days</source>
      <translation> Tage</translation>
    </message>
    <message>
      <source>&amp;Notice period:</source>
      <translation>&amp;Ladungsfrist:</translation>
    </message>
    <message>
      <source>&amp;Save notice period</source>
      <translation>Frist &amp;speichern</translation>
    </message>
    <message>
      <source>&amp;Refresh</source>
      <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
      <source>Export &amp;CSV…</source>
      <translation>Als &amp;CSV exportieren…</translation>
    </message>
    <message>
      <source>Export &amp;PDF…</source>
      <translation>Als &amp;PDF exportieren…</translation>
    </message>
    <message>
      <source>C&amp;lose</source>
      <translation>S&amp;chließen</translation>
    </message>
    <message>
      <source>Loading…</source>
      <translation>Wird geladen…</translation>
    </message>
    <message>
      <source>The proof of delivery could not be loaded.</source>
      <translation>Der Zustellnachweis konnte nicht geladen werden.</translation>
    </message>
    <message>
      <source>published %1</source>
      <translation>veröffentlicht %1</translation>
    </message>
    <message>
      <source>not published</source>
      <translation>nicht veröffentlicht</translation>
    </message>
    <message>
      <source>%1 — starts %2, %3. Notice deadline: %4.</source>
      <translation>%1 — Beginn %2, %3. Ladungsfrist: %4.</translation>
    </message>
    <message>
      <source>%1 of %2 on time</source>
      <translation>%1 von %2 fristgerecht</translation>
    </message>
    <message numerus="yes">
      <source>%n late</source>
      <translation>
        <numerusform>%n verspätet</numerusform>
        <numerusform>%n verspätet</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n missing</source>
      <translation>
        <numerusform>%n nicht zugestellt</numerusform>
        <numerusform>%n nicht zugestellt</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n pending</source>
      <translation>
        <numerusform>%n ausstehend</numerusform>
        <numerusform>%n ausstehend</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n without account</source>
      <translation>
        <numerusform>%n ohne Zugang</numerusform>
        <numerusform>%n ohne Zugang</numerusform>
      </translation>
    </message>
    <message>
      <source>on time</source>
      <translation>fristgerecht</translation>
    </message>
    <message>
      <source>late</source>
      <translation>verspätet</translation>
    </message>
    <message>
      <source>missing</source>
      <translation>nicht zugestellt</translation>
    </message>
    <message>
      <source>pending</source>
      <translation>ausstehend</translation>
    </message>
    <message>
      <source>no account</source>
      <translation>kein Zugang</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>ja</translation>
    </message>
    <message>
      <source>no</source>
      <translation>nein</translation>
    </message>
    <message>
      <source>CSV files (*.csv)</source>
      <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
      <source>PDF documents (*.pdf)</source>
      <translation>PDF-Dokumente (*.pdf)</translation>
    </message>
    <message>
      <source>Export</source>
      <translation>Exportieren</translation>
    </message>
  </context>
  <context>
    <name>DocumentArea</name>
    <message>
      <source>Documents</source>
      <translation>Dokumente</translation>
    </message>
    <message>
      <source>Documents beside</source>
      <translation>Dokumente daneben</translation>
    </message>
    <message>
      <source>Open a document from the agenda: Enter, or a double click.</source>
      <translation>Öffnen Sie ein Dokument aus der Tagesordnung: Eingabetaste oder Doppelklick.</translation>
    </message>
    <message>
      <source>Start</source>
      <translation>Start</translation>
    </message>
    <message>
      <source>Document tab menu</source>
      <translation>Menü des Dokument-Reiters</translation>
    </message>
    <message>
      <source>Move to the left</source>
      <translation>Nach links verschieben</translation>
    </message>
    <message>
      <source>Move beside</source>
      <translation>Daneben anzeigen</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Schließen</translation>
    </message>
  </context>
  <context>
    <name>DocumentTab</name>
    <message>
      <source>Opening %1…</source>
      <translation>%1 wird geöffnet …</translation>
    </message>
  </context>
  <context>
    <name>DocumentVersions</name>
    <message>
      <source>This version was replaced.</source>
      <translation>Diese Fassung wurde ersetzt.</translation>
    </message>
    <message numerus="yes">
      <source>%n annotation(s) moved to the new version</source>
      <translation>
        <numerusform>%n Anmerkung in die neue Fassung übernommen</numerusform>
        <numerusform>%n Anmerkungen in die neue Fassung übernommen</numerusform>
      </translation>
    </message>
    <message>
      <source>open it</source>
      <translation>öffnen</translation>
    </message>
    <message numerus="yes">
      <source>%n annotation(s) need your attention</source>
      <translation>
        <numerusform>%n Anmerkung braucht Ihre Aufmerksamkeit</numerusform>
        <numerusform>%n Anmerkungen brauchen Ihre Aufmerksamkeit</numerusform>
      </translation>
    </message>
    <message>
      <source>show</source>
      <translation>anzeigen</translation>
    </message>
  </context>
  <context>
    <name>DocumentView</name>
    <message>
      <source>Document message</source>
      <translation>Hinweis zum Dokument</translation>
    </message>
    <message>
      <source>Enter password…</source>
      <translation>Passwort eingeben …</translation>
    </message>
    <message>
      <source>Enter the document password</source>
      <translation>Das Passwort des Dokuments eingeben</translation>
    </message>
    <message>
      <source>Document viewer</source>
      <translation>Dokumentansicht</translation>
    </message>
    <message>
      <source>Opening “%1”…</source>
      <translation>„%1“ wird geöffnet …</translation>
    </message>
    <message>
      <source>“%1” cannot be shown.</source>
      <translation>„%1“ kann nicht angezeigt werden.</translation>
    </message>
    <message>
      <source>The password was wrong. Please try again.
Password for “%1”:</source>
      <translation>Das Passwort war falsch. Bitte versuchen Sie es erneut.
Passwort für „%1“:</translation>
    </message>
    <message>
      <source>“%1” is protected by a password.
Password:</source>
      <translation>„%1“ ist durch ein Passwort geschützt.
Passwort:</translation>
    </message>
    <message>
      <source>Password required</source>
      <translation>Passwort erforderlich</translation>
    </message>
    <message>
      <source>Checking the password…</source>
      <translation>Passwort wird geprüft …</translation>
    </message>
    <message>
      <source>This file is empty, so it cannot be shown.</source>
      <translation>Diese Datei ist leer und kann nicht angezeigt werden.</translation>
    </message>
    <message>
      <source>This file is not a readable PDF: it is damaged or of another type.</source>
      <translation>Diese Datei ist kein lesbares PDF: Sie ist beschädigt oder von anderem Typ.</translation>
    </message>
    <message>
      <source>This PDF has no pages that can be shown (it is probably damaged).</source>
      <translation>Dieses PDF hat keine anzeigbaren Seiten (es ist wahrscheinlich beschädigt).</translation>
    </message>
    <message>
      <source>The password for this PDF is wrong.</source>
      <translation>Das Passwort für dieses PDF ist falsch.</translation>
    </message>
    <message>
      <source>This PDF is protected by a password.</source>
      <translation>Dieses PDF ist durch ein Passwort geschützt.</translation>
    </message>
    <message>
      <source>The page renderer stopped unexpectedly while working on this document.</source>
      <translation>Die Seitendarstellung wurde bei diesem Dokument unerwartet beendet.</translation>
    </message>
    <message>
      <source>Rendering took too long and was stopped.</source>
      <translation>Die Darstellung dauerte zu lange und wurde abgebrochen.</translation>
    </message>
    <message>
      <source>The page renderer did not start in time (the computer is very busy); try again.</source>
      <translation>Die Seitendarstellung ist nicht rechtzeitig gestartet (der Computer ist sehr ausgelastet); bitte erneut versuchen.</translation>
    </message>
    <message>
      <source>Searching…</source>
      <translation>Suche läuft …</translation>
    </message>
    <message>
      <source>No matches</source>
      <translation>Keine Treffer</translation>
    </message>
    <message>
      <source>%1 of %2</source>
      <translation>%1 von %2</translation>
    </message>
  </context>
  <context>
    <name>ErrorReporter</name>
    <message numerus="yes">
      <source>This happened %n more time(s).</source>
      <translation>
        <numerusform>Das ist noch %n-mal passiert.</numerusform>
        <numerusform>Das ist noch %n-mal passiert.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ErrorText</name>
    <message>
      <source>The change could not be saved.</source>
      <translation>Die Änderung konnte nicht gespeichert werden.</translation>
    </message>
    <message>
      <source>Gremalda error</source>
      <translation>Gremalda-Fehler</translation>
    </message>
    <message>
      <source>Something went wrong.</source>
      <translation>Etwas ist schiefgegangen.</translation>
    </message>
    <message>
      <source>Internal error</source>
      <translation>Interner Fehler</translation>
    </message>
    <message>
      <source>Gremalda ran into an internal error. Please report it, with the details below.</source>
      <translation>Gremalda hat einen internen Fehler. Bitte melden Sie ihn mit den Details unten.</translation>
    </message>
    <message>
      <source>Data directory not usable</source>
      <translation>Datenverzeichnis nicht nutzbar</translation>
    </message>
    <message>
      <source>Gremalda cannot use its data directory. Check its permissions, or choose another.</source>
      <translation>Gremalda kann sein Datenverzeichnis nicht nutzen. Prüfen Sie die Berechtigungen oder wählen Sie ein anderes.</translation>
    </message>
    <message>
      <source>No keyring available</source>
      <translation>Kein Schlüsselbund verfügbar</translation>
    </message>
    <message>
      <source>Gremalda keeps the keys of its encrypted data only in the system keyring, and none is available. Install and unlock a Secret Service keyring such as GNOME Keyring or KWallet (Debian: apt-get install gnome-keyring), then try again.</source>
      <translation>Gremalda bewahrt die Schlüssel seiner verschlüsselten Daten nur im Schlüsselbund des Systems auf, und es ist keiner verfügbar. Installieren und entsperren Sie einen Secret-Service-Schlüsselbund wie GNOME Keyring oder KWallet (Debian: apt-get install gnome-keyring) und versuchen Sie es erneut.</translation>
    </message>
    <message>
      <source>Keyring locked</source>
      <translation>Schlüsselbund gesperrt</translation>
    </message>
    <message>
      <source>The system keyring is locked. Unlock it (log in to your desktop session, or open the keyring manager such as Passwords and Keys / KWalletManager), then try again.</source>
      <translation>Der Schlüsselbund des Systems ist gesperrt. Entsperren Sie ihn (an der Arbeitsumgebung anmelden oder die Schlüsselverwaltung öffnen, etwa „Passwörter und Verschlüsselung“ / KWalletManager) und versuchen Sie es erneut.</translation>
    </message>
    <message>
      <source>Offline copy not usable</source>
      <translation>Offline-Kopie nicht nutzbar</translation>
    </message>
    <message>
      <source>The offline copy cannot be used.</source>
      <translation>Die Offline-Kopie kann nicht genutzt werden.</translation>
    </message>
    <message>
      <source>No offline copy yet</source>
      <translation>Noch keine Offline-Kopie</translation>
    </message>
    <message>
      <source>There is no offline copy in this data directory yet. Sign in and synchronise first.</source>
      <translation>In diesem Datenverzeichnis gibt es noch keine Offline-Kopie. Melden Sie sich an und synchronisieren Sie zuerst.</translation>
    </message>
    <message>
      <source>Key not found</source>
      <translation>Schlüssel nicht gefunden</translation>
    </message>
    <message>
      <source>The offline copy exists, but its key is not in the system keyring (another keyring, another user account, a reset keyring, or a moved data directory). Nothing has been deleted. Restore the keyring, or remove the data directory and synchronise again.</source>
      <translation>Die Offline-Kopie ist vorhanden, ihr Schlüssel aber nicht im Schlüsselbund des Systems (ein anderer Schlüsselbund, ein anderes Benutzerkonto, ein zurückgesetzter Schlüsselbund oder ein verschobenes Datenverzeichnis). Es wurde nichts gelöscht. Stellen Sie den Schlüsselbund wieder her oder entfernen Sie das Datenverzeichnis und synchronisieren Sie neu.</translation>
    </message>
    <message>
      <source>Wrong key</source>
      <translation>Falscher Schlüssel</translation>
    </message>
    <message>
      <source>The key in the system keyring does not open the offline copy (or the copy's first page is damaged). Nothing has been changed or deleted. Remove the data directory and synchronise again to start afresh.</source>
      <translation>Der Schlüssel im Schlüsselbund öffnet die Offline-Kopie nicht (oder ihre erste Seite ist beschädigt). Es wurde nichts geändert oder gelöscht. Entfernen Sie das Datenverzeichnis und synchronisieren Sie neu.</translation>
    </message>
    <message>
      <source>Offline copy damaged</source>
      <translation>Offline-Kopie beschädigt</translation>
    </message>
    <message>
      <source>The offline copy is damaged or is not a Gremalda database. Nothing has been deleted. Remove the data directory and synchronise again.</source>
      <translation>Die Offline-Kopie ist beschädigt oder keine Gremalda-Datenbank. Es wurde nichts gelöscht. Entfernen Sie das Datenverzeichnis und synchronisieren Sie neu.</translation>
    </message>
    <message>
      <source>Offline copy from a newer version</source>
      <translation>Offline-Kopie einer neueren Version</translation>
    </message>
    <message>
      <source>The offline copy was made by a newer version of Gremalda. Update Gremalda.</source>
      <translation>Die Offline-Kopie stammt von einer neueren Gremalda-Version. Aktualisieren Sie Gremalda.</translation>
    </message>
    <message>
      <source>Offline copy busy</source>
      <translation>Offline-Kopie belegt</translation>
    </message>
    <message>
      <source>The offline copy is in use by another Gremalda process. Wait for it to finish or close it, then try again.</source>
      <translation>Die Offline-Kopie wird von einem anderen Gremalda-Prozess benutzt. Warten Sie, bis er fertig ist, oder beenden Sie ihn, und versuchen Sie es erneut.</translation>
    </message>
    <message>
      <source>Not signed in</source>
      <translation>Nicht angemeldet</translation>
    </message>
    <message>
      <source>This device is not signed in. Sign in with your user name and password.</source>
      <translation>Dieses Gerät ist nicht angemeldet. Melden Sie sich mit Benutzername und Passwort an.</translation>
    </message>
    <message>
      <source>Another account's offline copy</source>
      <translation>Offline-Kopie eines anderen Kontos</translation>
    </message>
    <message>
      <source>This data directory holds the offline copy of another account or server. Use another data directory, or remove this copy first.</source>
      <translation>Dieses Datenverzeichnis enthält die Offline-Kopie eines anderen Kontos oder Servers. Nutzen Sie ein anderes Datenverzeichnis oder entfernen Sie diese Kopie zuerst.</translation>
    </message>
    <message>
      <source>Synchronisation failed</source>
      <translation>Synchronisierung fehlgeschlagen</translation>
    </message>
    <message>
      <source>The server could not be reached or answered wrongly. Try again later.</source>
      <translation>Der Server war nicht erreichbar oder hat fehlerhaft geantwortet. Versuchen Sie es später erneut.</translation>
    </message>
    <message>
      <source>Offline documents not usable</source>
      <translation>Offline-Dokumente nicht nutzbar</translation>
    </message>
    <message>
      <source>The offline copy of the documents cannot be used.</source>
      <translation>Die Offline-Kopie der Dokumente kann nicht genutzt werden.</translation>
    </message>
    <message>
      <source>Document not available offline</source>
      <translation>Dokument nicht offline verfügbar</translation>
    </message>
    <message>
      <source>This document is not (yet) in the offline copy. Synchronise to fetch it.</source>
      <translation>Dieses Dokument ist (noch) nicht in der Offline-Kopie. Synchronisieren Sie, um es zu laden.</translation>
    </message>
    <message>
      <source>Offline document damaged</source>
      <translation>Offline-Dokument beschädigt</translation>
    </message>
    <message>
      <source>The offline copy of this document is damaged or has been tampered with, so it is not shown. Remove it and synchronise again.</source>
      <translation>Die Offline-Kopie dieses Dokuments ist beschädigt oder wurde verändert und wird deshalb nicht angezeigt. Entfernen Sie sie und synchronisieren Sie neu.</translation>
    </message>
    <message>
      <source>Cannot store documents</source>
      <translation>Dokumente können nicht gespeichert werden</translation>
    </message>
    <message>
      <source>The offline documents cannot be written or read. Check the free disk space.</source>
      <translation>Die Offline-Dokumente können nicht geschrieben oder gelesen werden. Prüfen Sie den freien Speicherplatz.</translation>
    </message>
    <message>
      <source>Document not found</source>
      <translation>Dokument nicht gefunden</translation>
    </message>
    <message>
      <source>This document is not in the offline copy. Synchronise first.</source>
      <translation>Dieses Dokument ist nicht in der Offline-Kopie. Synchronisieren Sie zuerst.</translation>
    </message>
    <message>
      <source>Invalid annotation</source>
      <translation>Ungültige Anmerkung</translation>
    </message>
    <message>
      <source>An annotation could not be read or saved because its data is not valid.</source>
      <translation>Eine Anmerkung konnte nicht gelesen oder gespeichert werden, weil ihre Daten nicht gültig sind.</translation>
    </message>
    <message>
      <source>Annotations do not match</source>
      <translation>Anmerkungen passen nicht zusammen</translation>
    </message>
    <message>
      <source>Two different annotations were taken for the same one. Please report it, with the log.</source>
      <translation>Zwei verschiedene Anmerkungen wurden für dieselbe gehalten. Bitte melden Sie das, mit dem Protokoll.</translation>
    </message>
    <message>
      <source>Annotation is read-only</source>
      <translation>Anmerkung ist schreibgeschützt</translation>
    </message>
    <message>
      <source>This annotation was made by someone else. Only its author can change or delete it.</source>
      <translation>Diese Anmerkung stammt von jemand anderem. Nur der Verfasser kann sie ändern oder löschen.</translation>
    </message>
    <message>
      <source>Annotation too large</source>
      <translation>Anmerkung zu groß</translation>
    </message>
    <message>
      <source>This note is too long to be shared: at most %1 KiB of text and drawing per annotation. Shorten it, or split it into several annotations. The change was not saved.</source>
      <translation>Diese Notiz ist zu lang, um geteilt zu werden: höchstens %1 KiB Text und Zeichnung je Anmerkung. Kürzen Sie sie, oder teilen Sie sie auf mehrere Anmerkungen auf. Die Änderung wurde nicht gespeichert.</translation>
    </message>
    <message>
      <source>This drawing is too large to be shared: at most %1 strokes of at most %2 points each. Split it into several drawings. The change was not saved.</source>
      <translation>Diese Zeichnung ist zu groß, um geteilt zu werden: höchstens %1 Striche mit je höchstens %2 Punkten. Teilen Sie sie auf mehrere Zeichnungen auf. Die Änderung wurde nicht gespeichert.</translation>
    </message>
    <message>
      <source>Invalid XFDF file</source>
      <translation>Ungültige XFDF-Datei</translation>
    </message>
    <message>
      <source>The file is not XFDF annotation data that Gremalda can read. Nothing of it has been imported.</source>
      <translation>Die Datei enthält keine XFDF-Anmerkungen, die Gremalda lesen kann. Nichts davon wurde importiert.</translation>
    </message>
    <message>
      <source>Export failed</source>
      <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
      <source>The document could not be exported with its annotations.</source>
      <translation>Das Dokument konnte nicht mit seinen Anmerkungen exportiert werden.</translation>
    </message>
    <message>
      <source>Document not downloaded</source>
      <translation>Dokument nicht heruntergeladen</translation>
    </message>
    <message>
      <source>The document is not downloaded yet: synchronise first (gremalda sync).</source>
      <translation>Das Dokument ist noch nicht heruntergeladen: synchronisieren Sie zuerst.</translation>
    </message>
    <message>
      <source>File exists</source>
      <translation>Datei vorhanden</translation>
    </message>
    <message>
      <source>The file exists already; choose another name or allow overwriting it.</source>
      <translation>Die Datei gibt es schon; wählen Sie einen anderen Namen oder erlauben Sie das Überschreiben.</translation>
    </message>
    <message>
      <source>Document not on this device</source>
      <translation>Dokument nicht auf diesem Gerät</translation>
    </message>
    <message>
      <source>The document of this annotation is no longer on this device. The annotation is kept: see Annotations → Orphaned annotations.</source>
      <translation>Das Dokument dieser Anmerkung ist nicht mehr auf diesem Gerät. Die Anmerkung bleibt erhalten: siehe Anmerkungen → Verwaiste Anmerkungen.</translation>
    </message>
    <message>
      <source>File not saved</source>
      <translation>Datei nicht gespeichert</translation>
    </message>
    <message>
      <source>The file could not be saved. Choose another folder or name, and try again.</source>
      <translation>Die Datei konnte nicht gespeichert werden. Wählen Sie einen anderen Ordner oder Namen und versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>File not read</source>
      <translation>Datei nicht gelesen</translation>
    </message>
    <message>
      <source>The file could not be read. Check that it exists and that you may read it.</source>
      <translation>Die Datei konnte nicht gelesen werden. Prüfen Sie, ob es sie gibt und ob Sie sie lesen dürfen.</translation>
    </message>
    <message>
      <source>Not saved</source>
      <translation>Nicht gespeichert</translation>
    </message>
    <message>
      <source>Clerks only</source>
      <translation>Nur für den Sitzungsdienst</translation>
    </message>
    <message>
      <source>Only clerks (Sitzungsdienst) may prepare meetings. This device is signed in with an account without the clerk role; sign in as a clerk.</source>
      <translation>Nur der Sitzungsdienst darf Sitzungen vorbereiten. Dieses Gerät ist mit einem Konto ohne die Rolle Sitzungsdienst angemeldet; melden Sie sich als Sitzungsdienst an.</translation>
    </message>
    <message>
      <source>Offline</source>
      <translation>Offline</translation>
    </message>
    <message>
      <source>The server cannot be reached, so the change was not saved. Check the network connection and try again; preparing meetings needs a connection.</source>
      <translation>Der Server ist nicht erreichbar, daher wurde die Änderung nicht gespeichert. Prüfen Sie die Netzwerkverbindung und versuchen Sie es noch einmal; Sitzungen vorzubereiten braucht eine Verbindung.</translation>
    </message>
    <message>
      <source>Changed meanwhile</source>
      <translation>Inzwischen geändert</translation>
    </message>
    <message>
      <source>Someone changed this meanwhile. Reload (synchronise) to see the current state, then make your change again.</source>
      <translation>Jemand hat dies inzwischen geändert. Laden Sie neu (synchronisieren), um den aktuellen Stand zu sehen, und nehmen Sie Ihre Änderung dann noch einmal vor.</translation>
    </message>
    <message>
      <source>Not loaded yet</source>
      <translation>Noch nicht geladen</translation>
    </message>
    <message>
      <source>This is not in the offline copy (yet). Synchronise, then try again.</source>
      <translation>Dies ist (noch) nicht in der Offline-Kopie. Synchronisieren Sie, dann versuchen Sie es noch einmal.</translation>
    </message>
    <message>
      <source>No longer there</source>
      <translation>Nicht mehr vorhanden</translation>
    </message>
    <message>
      <source>This was deleted meanwhile or is no longer visible to you. Reload (synchronise).</source>
      <translation>Dies wurde inzwischen gelöscht oder ist für Sie nicht mehr sichtbar. Laden Sie neu (synchronisieren).</translation>
    </message>
    <message>
      <source>Change refused</source>
      <translation>Änderung abgelehnt</translation>
    </message>
    <message>
      <source>Document refused</source>
      <translation>Dokument abgelehnt</translation>
    </message>
    <message>
      <source>Upload stopped</source>
      <translation>Hochladen angehalten</translation>
    </message>
    <message>
      <source>The upload was stopped. Attach the same file again to continue where it stopped (within 24 hours).</source>
      <translation>Das Hochladen wurde angehalten. Hängen Sie dieselbe Datei noch einmal an, um dort weiterzumachen, wo es angehalten wurde (innerhalb von 24 Stunden).</translation>
    </message>
    <message>
      <source>Server problem</source>
      <translation>Serverproblem</translation>
    </message>
    <message>
      <source>The server had a problem and the change was not saved. Try again in a moment.</source>
      <translation>Der Server hatte ein Problem, und die Änderung wurde nicht gespeichert. Versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
      <source>Hot folder not usable</source>
      <translation>Eingangsordner nicht nutzbar</translation>
    </message>
    <message>
      <source>The hot folder does not exist or cannot be read. Choose another folder.</source>
      <translation>Der Eingangsordner existiert nicht oder kann nicht gelesen werden. Wählen Sie einen anderen Ordner.</translation>
    </message>
    <message>
      <source>“%1” is larger than %2 MB: it is not a file of this kind.</source>
      <translation>„%1“ ist größer als %2 MB: Das ist keine Datei dieser Art.</translation>
    </message>
  </context>
  <context>
    <name>FindBar</name>
    <message>
      <source>&amp;Find:</source>
      <translation>&amp;Suchen:</translation>
    </message>
    <message>
      <source>Find in document</source>
      <translation>Im Dokument suchen</translation>
    </message>
    <message>
      <source>Words in this document</source>
      <translation>Wörter in diesem Dokument</translation>
    </message>
    <message>
      <source>&amp;Previous</source>
      <translation>&amp;Vorheriger</translation>
    </message>
    <message>
      <source>&amp;Next</source>
      <translation>&amp;Nächster</translation>
    </message>
    <message>
      <source>Close the find bar (Escape)</source>
      <translation>Suchleiste schließen (Esc)</translation>
    </message>
    <message>
      <source>Close the find bar</source>
      <translation>Suchleiste schließen</translation>
    </message>
    <message>
      <source>Text to find</source>
      <translation>Gesuchter Text</translation>
    </message>
    <message>
      <source>Previous match (Shift+F3)</source>
      <translation>Vorheriger Treffer (Umschalt+F3)</translation>
    </message>
    <message>
      <source>Next match (F3)</source>
      <translation>Nächster Treffer (F3)</translation>
    </message>
    <message>
      <source>Find status</source>
      <translation>Suchstatus</translation>
    </message>
  </context>
  <context>
    <name>Formatting</name>
    <message>
      <source>no date</source>
      <translation>ohne Datum</translation>
    </message>
    <message>
      <source>ddd d MMM yyyy, HH:mm</source>
      <translation>ddd, dd.MM.yyyy, HH:mm</translation>
    </message>
    <message>
      <source>ddd d MMM yyyy</source>
      <translation>ddd, dd.MM.yyyy</translation>
    </message>
    <message>
      <source>cancelled</source>
      <translation>abgesagt</translation>
    </message>
    <message>
      <source>draft</source>
      <translation>Entwurf</translation>
    </message>
    <message>
      <source>published</source>
      <translation>veröffentlicht</translation>
    </message>
    <message>
      <source>Meeting</source>
      <translation>Sitzung</translation>
    </message>
    <message>
      <source>invitation</source>
      <translation>Einladung</translation>
    </message>
    <message>
      <source>paper</source>
      <translation>Drucksache</translation>
    </message>
    <message>
      <source>attachment</source>
      <translation>Anlage</translation>
    </message>
    <message>
      <source>late paper</source>
      <translation>Nachtrag</translation>
    </message>
    <message>
      <source>minutes</source>
      <translation>Niederschrift</translation>
    </message>
    <message>
      <source>Document %1</source>
      <translation>Dokument %1</translation>
    </message>
  </context>
  <context>
    <name>Inbox</name>
    <message>
      <source>Inbox: documents from the hot folder</source>
      <translation>Eingang: Dokumente aus dem Eingangsordner</translation>
    </message>
    <message>
      <source>&amp;Assign to the chosen item</source>
      <translation>Dem gewählten Punkt zu&amp;ordnen</translation>
    </message>
    <message>
      <source>Inbox (hot folder not usable)</source>
      <translation>Eingang (Eingangsordner nicht nutzbar)</translation>
    </message>
    <message>
      <source>&amp;Inbox (%1)</source>
      <translation>E&amp;ingang (%1)</translation>
    </message>
    <message>
      <source>Inbox (no hot folder set: Clerk ▸ Hot folder…)</source>
      <translation>Eingang (kein Eingangsordner eingestellt: Sitzungsdienst ▸ Eingangsordner…)</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Erledigt</translation>
    </message>
    <message>
      <source>%1 — checking…</source>
      <translation>%1 — wird geprüft…</translation>
    </message>
    <message>
      <source>%1 — refused: %2</source>
      <translation>%1 — abgelehnt: %2</translation>
    </message>
    <message>
      <source>%1 — %2; note: %3</source>
      <translation>%1 — %2; Hinweis: %3</translation>
    </message>
    <message>
      <source>%1 — %2</source>
      <translation>%1 — %2</translation>
    </message>
    <message>
      <source>%1 — being written again, checked when complete…</source>
      <translation>%1 — wird gerade neu geschrieben, wird geprüft, sobald die Datei vollständig ist…</translation>
    </message>
    <message>
      <source>%1 — changed since it was attached: not moved (attach it again to send this version)</source>
      <translation>%1 — seit dem Anhängen geändert: nicht verschoben (erneut anhängen, um diese Fassung zu senden)</translation>
    </message>
    <message>
      <source>%1 — attached, but not moved into the folder “%2”: %3</source>
      <translation>%1 — angehängt, aber nicht in den Ordner „%2“ verschoben: %3</translation>
    </message>
  </context>
  <context>
    <name>LoginDialog</name>
    <message>
      <source>Sign in to Gremalda</source>
      <translation>Bei Gremalda anmelden</translation>
    </message>
    <message>
      <source>Welcome. Sign in once with the address of your council's Gremalda server and your user name; the meeting folders are then kept on this computer, encrypted, and readable without a network.</source>
      <translation>Willkommen. Melden Sie sich einmal mit der Adresse des Gremalda-Servers Ihrer Vertretung und Ihrem Benutzernamen an; die Sitzungsmappen werden dann verschlüsselt auf diesem Computer gehalten und sind auch ohne Netz lesbar.</translation>
    </message>
    <message>
      <source>Your sign-in has ended. Sign in again to keep your documents current.</source>
      <translation>Ihre Anmeldung ist abgelaufen. Melden Sie sich erneut an, damit Ihre Dokumente aktuell bleiben.</translation>
    </message>
    <message>
      <source>Server address</source>
      <translation>Serveradresse</translation>
    </message>
    <message>
      <source>User name</source>
      <translation>Benutzername</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>Passwort</translation>
    </message>
    <message>
      <source>&amp;Server address:</source>
      <translation>&amp;Serveradresse:</translation>
    </message>
    <message>
      <source>&amp;User name:</source>
      <translation>&amp;Benutzername:</translation>
    </message>
    <message>
      <source>&amp;Password:</source>
      <translation>&amp;Passwort:</translation>
    </message>
    <message>
      <source>Offline copy: %1</source>
      <translation>Offline-Kopie: %1</translation>
    </message>
    <message>
      <source>Sign-in problem</source>
      <translation>Problem bei der Anmeldung</translation>
    </message>
    <message>
      <source>Signing in</source>
      <translation>Anmeldung läuft</translation>
    </message>
    <message>
      <source>Sign in</source>
      <translation>Anmelden</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>&amp;File</source>
      <translation>&amp;Datei</translation>
    </message>
    <message>
      <source>&amp;Document</source>
      <translation>D&amp;okument</translation>
    </message>
    <message>
      <source>&amp;View</source>
      <translation>&amp;Ansicht</translation>
    </message>
    <message>
      <source>Pane&amp;ls</source>
      <translation>Bere&amp;iche</translation>
    </message>
    <message>
      <source>&amp;Annotations</source>
      <translation>A&amp;nmerkungen</translation>
    </message>
    <message>
      <source>&amp;Go</source>
      <translation>&amp;Gehe zu</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>&amp;Hilfe</translation>
    </message>
    <message>
      <source>Toolbar</source>
      <translation>Werkzeugleiste</translation>
    </message>
    <message>
      <source>Navigation</source>
      <translation>Navigation</translation>
    </message>
    <message>
      <source>No document open.</source>
      <translation>Kein Dokument geöffnet.</translation>
    </message>
    <message>
      <source>No outline.</source>
      <translation>Keine Gliederung.</translation>
    </message>
    <message>
      <source>Pages</source>
      <translation>Seiten</translation>
    </message>
    <message>
      <source>Outline</source>
      <translation>Gliederung</translation>
    </message>
    <message>
      <source>Search is not available in this version.</source>
      <translation>Die Suche ist in dieser Version nicht verfügbar.</translation>
    </message>
    <message>
      <source>Search</source>
      <translation>Suche</translation>
    </message>
    <message>
      <source>Annotations</source>
      <translation>Anmerkungen</translation>
    </message>
    <message>
      <source>&amp;Synchronise now</source>
      <translation>&amp;Jetzt synchronisieren</translation>
    </message>
    <message>
      <source>Fetch new and changed documents now</source>
      <translation>Neue und geänderte Dokumente jetzt holen</translation>
    </message>
    <message>
      <source>S&amp;ettings…</source>
      <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
      <source>&amp;Quit</source>
      <translation>&amp;Beenden</translation>
    </message>
    <message>
      <source>Add council information system (&amp;OParl)…</source>
      <translation>Ratsinformationssystem hinzufügen (&amp;OParl)…</translation>
    </message>
    <message>
      <source>Read the public meetings of a council information system (OParl)</source>
      <translation>Die öffentlichen Sitzungen eines Ratsinformationssystems lesen (OParl)</translation>
    </message>
    <message>
      <source>&amp;Open document</source>
      <translation>Dokument ö&amp;ffnen</translation>
    </message>
    <message>
      <source>Open the document chosen in the agenda</source>
      <translation>Das in der Tagesordnung gewählte Dokument öffnen</translation>
    </message>
    <message>
      <source>Open &amp;beside</source>
      <translation>&amp;Daneben öffnen</translation>
    </message>
    <message>
      <source>Open the chosen document in the other half</source>
      <translation>Das gewählte Dokument in der anderen Hälfte öffnen</translation>
    </message>
    <message>
      <source>&amp;Close document</source>
      <translation>Dokument &amp;schließen</translation>
    </message>
    <message>
      <source>Ne&amp;xt document</source>
      <translation>&amp;Nächstes Dokument</translation>
    </message>
    <message>
      <source>Pre&amp;vious document</source>
      <translation>&amp;Vorheriges Dokument</translation>
    </message>
    <message>
      <source>&amp;Move to the other half</source>
      <translation>In die &amp;andere Hälfte verschieben</translation>
    </message>
    <message>
      <source>&amp;Find in document…</source>
      <translation>Im Dokument s&amp;uchen …</translation>
    </message>
    <message>
      <source>Find &amp;next</source>
      <translation>&amp;Weitersuchen</translation>
    </message>
    <message>
      <source>Find p&amp;revious</source>
      <translation>&amp;Rückwärts suchen</translation>
    </message>
    <message>
      <source>&amp;Split view</source>
      <translation>Ge&amp;teilte Ansicht</translation>
    </message>
    <message>
      <source>&amp;Go to page…</source>
      <translation>Gehe &amp;zu Seite …</translation>
    </message>
    <message>
      <source>&amp;Search all documents…</source>
      <translation>&amp;Alle Dokumente durchsuchen …</translation>
    </message>
    <message>
      <source>Zoom &amp;in</source>
      <translation>Ver&amp;größern</translation>
    </message>
    <message>
      <source>Zoom &amp;out</source>
      <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
      <source>Fit &amp;width</source>
      <translation>&amp;Breite anpassen</translation>
    </message>
    <message>
      <source>Fit &amp;page</source>
      <translation>Ganze &amp;Seite</translation>
    </message>
    <message>
      <source>&amp;Actual size</source>
      <translation>&amp;Originalgröße</translation>
    </message>
    <message>
      <source>&amp;Night mode</source>
      <translation>&amp;Nachtmodus</translation>
    </message>
    <message>
      <source>Dark pages, pictures in true colours</source>
      <translation>Dunkle Seiten, Bilder in echten Farben</translation>
    </message>
    <message>
      <source>Two documents side by side</source>
      <translation>Zwei Dokumente nebeneinander</translation>
    </message>
    <message>
      <source>&amp;Full screen</source>
      <translation>&amp;Vollbild</translation>
    </message>
    <message>
      <source>&amp;Back</source>
      <translation>&amp;Zurück</translation>
    </message>
    <message>
      <source>&amp;Forward</source>
      <translation>&amp;Vor</translation>
    </message>
    <message>
      <source>&amp;Next meeting</source>
      <translation>&amp;Nächste Sitzung</translation>
    </message>
    <message>
      <source>Next &amp;area</source>
      <translation>Nächster &amp;Bereich</translation>
    </message>
    <message>
      <source>Previous a&amp;rea</source>
      <translation>Vorheriger B&amp;ereich</translation>
    </message>
    <message>
      <source>&amp;About Gremalda</source>
      <translation>&amp;Über Gremalda</translation>
    </message>
    <message>
      <source>Panels</source>
      <translation>Bereiche</translation>
    </message>
    <message>
      <source>From %1 (OParl): read-only.</source>
      <translation>Aus %1 (OParl): nur lesbar.</translation>
    </message>
    <message numerus="yes">
      <source>Fetching %n document(s) of this meeting…</source>
      <translation>
        <numerusform>%n Dokument dieser Sitzung wird geholt…</numerusform>
        <numerusform>%n Dokumente dieser Sitzung werden geholt…</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n document(s) not downloaded.</source>
      <translation>
        <numerusform>%n Dokument nicht heruntergeladen.</numerusform>
        <numerusform>%n Dokumente nicht heruntergeladen.</numerusform>
      </translation>
    </message>
    <message>
      <source>“%1” is not downloaded yet; it arrives with the next synchronisation.</source>
      <translation>„%1“ ist noch nicht heruntergeladen; es kommt mit der nächsten Synchronisierung.</translation>
    </message>
    <message>
      <source>Go to page</source>
      <translation>Gehe zu Seite</translation>
    </message>
    <message>
      <source>Page (1–%1):</source>
      <translation>Seite (1–%1):</translation>
    </message>
    <message>
      <source>%1 could not be synchronised: %2</source>
      <translation>%1 konnte nicht synchronisiert werden: %2</translation>
    </message>
    <message numerus="yes">
      <source>%n document(s) could not be downloaded; they are tried again later.</source>
      <translation>
        <numerusform>%n Dokument konnte nicht geladen werden; es wird später erneut versucht.</numerusform>
        <numerusform>%n Dokumente konnten nicht geladen werden; sie werden später erneut versucht.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n new document(s)</source>
      <translation>
        <numerusform>%n neues Dokument</numerusform>
        <numerusform>%n neue Dokumente</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n changed document(s)</source>
      <translation>
        <numerusform>%n geändertes Dokument</numerusform>
        <numerusform>%n geänderte Dokumente</numerusform>
      </translation>
    </message>
    <message>
      <source>%1 and %2 arrived.</source>
      <translation>%1 und %2 eingetroffen.</translation>
    </message>
    <message>
      <source>%1 arrived.</source>
      <translation>%1 eingetroffen.</translation>
    </message>
    <message>
      <source>Offline: the server could not be reached. Your documents stay readable.</source>
      <translation>Offline: Der Server ist nicht erreichbar. Ihre Dokumente bleiben lesbar.</translation>
    </message>
    <message>
      <source>About Gremalda</source>
      <translation>Über Gremalda</translation>
    </message>
    <message>
      <source>Gremalda %1

Council meeting folders and e-files, offline and encrypted on this computer.</source>
      <translation>Gremalda %1

Sitzungsmappen und E-Akten, offline und verschlüsselt auf diesem Computer.</translation>
    </message>
  </context>
  <context>
    <name>MeetingDialog</name>
    <message>
      <source>New meeting</source>
      <translation>Neue Sitzung</translation>
    </message>
    <message>
      <source>Edit meeting</source>
      <translation>Sitzung bearbeiten</translation>
    </message>
    <message>
      <source>Committee</source>
      <translation>Gremium</translation>
    </message>
    <message>
      <source>Name of the meeting</source>
      <translation>Name der Sitzung</translation>
    </message>
    <message>
      <source>Start</source>
      <translation>Beginn</translation>
    </message>
    <message>
      <source>End</source>
      <translation>Ende</translation>
    </message>
    <message>
      <source>Location</source>
      <translation>Ort</translation>
    </message>
    <message>
      <source>&amp;Committee:</source>
      <translation>&amp;Gremium:</translation>
    </message>
    <message>
      <source>&amp;Name:</source>
      <translation>&amp;Name:</translation>
    </message>
    <message>
      <source>&amp;Start:</source>
      <translation>&amp;Beginn:</translation>
    </message>
    <message>
      <source>&amp;End:</source>
      <translation>&amp;Ende:</translation>
    </message>
    <message>
      <source>Times in %1</source>
      <translation>Zeiten in %1</translation>
    </message>
    <message>
      <source>&amp;Location:</source>
      <translation>&amp;Ort:</translation>
    </message>
    <message>
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <source>Choose a committee (synchronise first if the list is empty).</source>
      <translation>Wählen Sie ein Gremium (synchronisieren Sie zuerst, wenn die Liste leer ist).</translation>
    </message>
    <message>
      <source>Give the meeting a name.</source>
      <translation>Geben Sie der Sitzung einen Namen.</translation>
    </message>
    <message>
      <source>The end lies before the start.</source>
      <translation>Das Ende liegt vor dem Beginn.</translation>
    </message>
  </context>
  <context>
    <name>NavigationTree</name>
    <message>
      <source>Navigation: meetings and e-files</source>
      <translation>Navigation: Sitzungen und E-Akten</translation>
    </message>
    <message>
      <source>Council</source>
      <translation>Vertretung</translation>
    </message>
    <message>
      <source>%1 (OParl)</source>
      <translation>%1 (OParl)</translation>
    </message>
    <message>
      <source>Other meetings</source>
      <translation>Weitere Sitzungen</translation>
    </message>
    <message>
      <source>Earlier meetings</source>
      <translation>Frühere Sitzungen</translation>
    </message>
    <message>
      <source>E-files</source>
      <translation>E-Akten</translation>
    </message>
    <message>
      <source>Document</source>
      <translation>Dokument</translation>
    </message>
    <message>
      <source>No file of this document is available</source>
      <translation>Zu diesem Dokument ist keine Datei verfügbar</translation>
    </message>
    <message>
      <source>From the council information system %1 (OParl), read-only</source>
      <translation>Aus dem Ratsinformationssystem %1 (OParl), nur lesbar</translation>
    </message>
    <message numerus="yes">
      <source>%n agenda item(s)</source>
      <translation>
        <numerusform>%n Tagesordnungspunkt</numerusform>
        <numerusform>%n Tagesordnungspunkte</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n not public</source>
      <translation>
        <numerusform>%n nicht öffentlich</numerusform>
        <numerusform>%n nicht öffentlich</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>NoteDialog</name>
    <message>
      <source>PDF file</source>
      <translation>PDF-Datei</translation>
    </message>
    <message>
      <source>Path of the PDF, or Browse…</source>
      <translation>Pfad der PDF-Datei, oder Durchsuchen…</translation>
    </message>
    <message>
      <source>&amp;Browse…</source>
      <translation>D&amp;urchsuchen…</translation>
    </message>
    <message>
      <source>Change note</source>
      <translation>Änderungshinweis</translation>
    </message>
    <message>
      <source>e.g. Tischvorlage: corrected figures on page 3</source>
      <translation>z. B. Tischvorlage: korrigierte Zahlen auf Seite 3</translation>
    </message>
    <message>
      <source>&amp;File:</source>
      <translation>&amp;Datei:</translation>
    </message>
    <message>
      <source>Change &amp;note:</source>
      <translation>Änderungs&amp;hinweis:</translation>
    </message>
    <message>
      <source>Choose a PDF</source>
      <translation>PDF wählen</translation>
    </message>
    <message>
      <source>PDF documents (*.pdf)</source>
      <translation>PDF-Dokumente (*.pdf)</translation>
    </message>
    <message>
      <source>Choose an existing PDF file.</source>
      <translation>Wählen Sie eine vorhandene PDF-Datei.</translation>
    </message>
    <message>
      <source>Say what changed (the change note is shown to the members).</source>
      <translation>Sagen Sie, was sich geändert hat (der Änderungshinweis wird den Mitgliedern gezeigt).</translation>
    </message>
  </context>
  <context>
    <name>NoteEditor</name>
    <message>
      <source>Note text</source>
      <translation>Text der Notiz</translation>
    </message>
    <message>
      <source>Ctrl+Enter saves, Escape cancels.</source>
      <translation>Strg+Eingabe speichert, Escape bricht ab.</translation>
    </message>
    <message>
      <source>Save note</source>
      <translation>Notiz speichern</translation>
    </message>
    <message>
      <source>Cancel editing the note</source>
      <translation>Bearbeiten der Notiz abbrechen</translation>
    </message>
    <message>
      <source>&amp;Visible to:</source>
      <translation>&amp;Sichtbar für:</translation>
    </message>
  </context>
  <context>
    <name>NoticeBanner</name>
    <message>
      <source>Close the notice</source>
      <translation>Hinweis schließen</translation>
    </message>
  </context>
  <context>
    <name>OParlDialog</name>
    <message>
      <source>Council information systems (OParl)</source>
      <translation>Ratsinformationssysteme (OParl)</translation>
    </message>
    <message>
      <source>Add the OParl address (System URL) of a council information system. Its public meetings, agenda items and papers are kept on this computer, read-only, next to your own.</source>
      <translation>Geben Sie die OParl-Adresse (System-URL) eines Ratsinformationssystems an. Seine öffentlichen Sitzungen, Tagesordnungspunkte und Vorlagen werden auf diesem Computer gehalten, nur lesbar, neben Ihren eigenen.</translation>
    </message>
    <message>
      <source>System URL</source>
      <translation>System-URL</translation>
    </message>
    <message>
      <source>Files</source>
      <translation>Dateien</translation>
    </message>
    <message>
      <source>No files</source>
      <translation>Keine Dateien</translation>
    </message>
    <message>
      <source>Files of a meeting when it is opened</source>
      <translation>Dateien einer Sitzung, wenn sie geöffnet wird</translation>
    </message>
    <message>
      <source>All files</source>
      <translation>Alle Dateien</translation>
    </message>
    <message>
      <source>System &amp;URL:</source>
      <translation>System-&amp;URL:</translation>
    </message>
    <message>
      <source>&amp;Files:</source>
      <translation>&amp;Dateien:</translation>
    </message>
    <message>
      <source>&amp;Add</source>
      <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
      <source>Add the council information system</source>
      <translation>Das Ratsinformationssystem hinzufügen</translation>
    </message>
    <message>
      <source>Progress</source>
      <translation>Fortschritt</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Problem</source>
      <translation>Problem</translation>
    </message>
    <message>
      <source>Council information systems added</source>
      <translation>Hinzugefügte Ratsinformationssysteme</translation>
    </message>
    <message>
      <source>&amp;Remove</source>
      <translation>&amp;Entfernen</translation>
    </message>
    <message>
      <source>Remove the chosen council information system</source>
      <translation>Das gewählte Ratsinformationssystem entfernen</translation>
    </message>
    <message>
      <source>&amp;Added:</source>
      <translation>Hinzuge&amp;fügt:</translation>
    </message>
    <message numerus="yes">
      <source>%1 — %n meeting(s)</source>
      <translation>
        <numerusform>%1 — %n Sitzung</numerusform>
        <numerusform>%1 — %n Sitzungen</numerusform>
      </translation>
    </message>
    <message>
      <source>Adding %1…</source>
      <translation>%1 wird hinzugefügt…</translation>
    </message>
    <message>
      <source>Added %1.</source>
      <translation>%1 hinzugefügt.</translation>
    </message>
    <message>
      <source>Removing %1…</source>
      <translation>%1 wird entfernt…</translation>
    </message>
    <message>
      <source>Removed %1.</source>
      <translation>%1 entfernt.</translation>
    </message>
    <message>
      <source>%1: %2 read</source>
      <translation>%1: %2 gelesen</translation>
    </message>
  </context>
  <context>
    <name>OrphanDialog</name>
    <message>
      <source>Document %1 (no longer on this device)</source>
      <translation>Dokument %1 (nicht mehr auf diesem Gerät)</translation>
    </message>
    <message>
      <source>Not accepted by the server: %1</source>
      <translation>Vom Server nicht angenommen: %1</translation>
    </message>
    <message>
      <source>Document gone</source>
      <translation>Dokument entfernt</translation>
    </message>
    <message>
      <source>Not found in the new version</source>
      <translation>In der neuen Fassung nicht gefunden</translation>
    </message>
    <message>
      <source>Annotations kept by Gremalda, exported %1</source>
      <translation>Von Gremalda aufbewahrte Anmerkungen, exportiert am %1</translation>
    </message>
    <message>
      <source>page %1</source>
      <translation>Seite %1</translation>
    </message>
    <message>
      <source>Orphaned annotations</source>
      <translation>Verwaiste Anmerkungen</translation>
    </message>
    <message>
      <source>These annotations are kept although their document is no longer on this device (deleted, or you may no longer see it), or although they were not found again in a new version of their document, or although the server did not accept a change of them. Nothing is deleted unless you delete it here.</source>
      <translation>Diese Anmerkungen werden aufbewahrt, obwohl ihr Dokument nicht mehr auf diesem Gerät ist (gelöscht, oder Sie dürfen es nicht mehr sehen), obwohl sie in einer neuen Fassung ihres Dokuments nicht wiedergefunden wurden oder obwohl der Server eine Änderung an ihnen nicht angenommen hat. Gelöscht wird nur, was Sie hier löschen.</translation>
    </message>
    <message>
      <source>Reading…</source>
      <translation>Wird gelesen…</translation>
    </message>
    <message>
      <source>Orphaned annotations status</source>
      <translation>Stand der verwaisten Anmerkungen</translation>
    </message>
    <message>
      <source>Document</source>
      <translation>Dokument</translation>
    </message>
    <message>
      <source>Page</source>
      <translation>Seite</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>Art</translation>
    </message>
    <message>
      <source>Text</source>
      <translation>Text</translation>
    </message>
    <message>
      <source>Date</source>
      <translation>Datum</translation>
    </message>
    <message>
      <source>Why</source>
      <translation>Grund</translation>
    </message>
    <message>
      <source>&amp;Export…</source>
      <translation>&amp;Exportieren…</translation>
    </message>
    <message>
      <source>Save the chosen annotations (all when none is chosen)</source>
      <translation>Die gewählten Anmerkungen speichern (alle, wenn keine gewählt ist)</translation>
    </message>
    <message>
      <source>&amp;Delete…</source>
      <translation>&amp;Löschen…</translation>
    </message>
    <message>
      <source>Delete the chosen annotations, here and on your other devices</source>
      <translation>Die gewählten Anmerkungen löschen, hier und auf Ihren anderen Geräten</translation>
    </message>
    <message>
      <source>&amp;Keep as private copy</source>
      <translation>Als private &amp;Kopie behalten</translation>
    </message>
    <message>
      <source>Keep the chosen annotations the server did not accept on this device only; they are not sent again</source>
      <translation>Die gewählten, vom Server nicht angenommenen Anmerkungen nur auf diesem Gerät behalten; sie werden nicht noch einmal gesendet</translation>
    </message>
    <message>
      <source>By %1; read-only: only its author can delete it.</source>
      <translation>Von %1; schreibgeschützt: nur der Verfasser kann sie löschen.</translation>
    </message>
    <message numerus="yes">
      <source>%n annotation(s) kept without their place.</source>
      <translation>
        <numerusform>%n Anmerkung ohne ihren Platz aufbewahrt.</numerusform>
        <numerusform>%n Anmerkungen ohne ihren Platz aufbewahrt.</numerusform>
      </translation>
    </message>
    <message>
      <source>No orphaned annotations: every annotation is in its document.</source>
      <translation>Keine verwaisten Anmerkungen: jede Anmerkung steht in ihrem Dokument.</translation>
    </message>
    <message>
      <source>The annotations could not be read.</source>
      <translation>Die Anmerkungen konnten nicht gelesen werden.</translation>
    </message>
    <message>
      <source>Export orphaned annotations</source>
      <translation>Verwaiste Anmerkungen exportieren</translation>
    </message>
    <message>
      <source>XFDF annotations (*.xfdf)</source>
      <translation>XFDF-Anmerkungen (*.xfdf)</translation>
    </message>
    <message>
      <source>Text list (*.txt)</source>
      <translation>Textliste (*.txt)</translation>
    </message>
    <message>
      <source>orphaned annotations</source>
      <translation>verwaiste Anmerkungen</translation>
    </message>
    <message>
      <source>Saved as %1.</source>
      <translation>Gespeichert als %1.</translation>
    </message>
    <message>
      <source>Delete annotations</source>
      <translation>Anmerkungen löschen</translation>
    </message>
    <message numerus="yes">
      <source>Delete %n annotation(s)? They are deleted on your other devices too. Export them first if you may still need them.</source>
      <translation>
        <numerusform>%n Anmerkung löschen? Sie wird auch auf Ihren anderen Geräten gelöscht. Exportieren Sie sie vorher, wenn Sie sie noch brauchen könnten.</numerusform>
        <numerusform>%n Anmerkungen löschen? Sie werden auch auf Ihren anderen Geräten gelöscht. Exportieren Sie sie vorher, wenn Sie sie noch brauchen könnten.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n annotation(s) deleted.</source>
      <translation>
        <numerusform>%n Anmerkung gelöscht.</numerusform>
        <numerusform>%n Anmerkungen gelöscht.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n annotation(s) kept on this device only.</source>
      <translation>
        <numerusform>%n Anmerkung nur auf diesem Gerät behalten.</numerusform>
        <numerusform>%n Anmerkungen nur auf diesem Gerät behalten.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>OsText</name>
    <message>
      <source>the file or folder does not exist</source>
      <translation>die Datei oder der Ordner existiert nicht</translation>
    </message>
    <message>
      <source>the file does not exist</source>
      <translation>die Datei existiert nicht</translation>
    </message>
    <message>
      <source>the folder does not exist</source>
      <translation>der Ordner existiert nicht</translation>
    </message>
    <message>
      <source>no permission</source>
      <translation>keine Berechtigung</translation>
    </message>
    <message>
      <source>no permission to read it</source>
      <translation>keine Berechtigung, sie zu lesen</translation>
    </message>
    <message>
      <source>no permission to write there</source>
      <translation>keine Berechtigung, dort zu schreiben</translation>
    </message>
    <message>
      <source>no permission to write, or a read-only drive</source>
      <translation>keine Schreibberechtigung, oder das Laufwerk ist schreibgeschützt</translation>
    </message>
    <message>
      <source>it is a folder, not a file</source>
      <translation>es ist ein Ordner, keine Datei</translation>
    </message>
    <message>
      <source>a part of the path is a file, not a folder</source>
      <translation>ein Teil des Pfads ist eine Datei, kein Ordner</translation>
    </message>
    <message>
      <source>the disk is full</source>
      <translation>der Datenträger ist voll</translation>
    </message>
    <message>
      <source>your storage quota on this drive is used up</source>
      <translation>Ihr Speicherkontingent auf diesem Laufwerk ist aufgebraucht</translation>
    </message>
    <message>
      <source>the drive is read-only</source>
      <translation>das Laufwerk ist schreibgeschützt</translation>
    </message>
    <message>
      <source>the file name or the path is too long</source>
      <translation>der Dateiname oder der Pfad ist zu lang</translation>
    </message>
    <message>
      <source>too many files are open; close other programs or restart Gremalda</source>
      <translation>zu viele Dateien sind geöffnet; schließen Sie andere Programme oder starten Sie Gremalda neu</translation>
    </message>
    <message>
      <source>the drive reported a read or write error; it may be damaged or disconnected</source>
      <translation>das Laufwerk meldet einen Lese- oder Schreibfehler; vielleicht ist es beschädigt oder nicht mehr verbunden</translation>
    </message>
    <message>
      <source>a file or folder of that name exists already</source>
      <translation>eine Datei oder ein Ordner dieses Namens existiert bereits</translation>
    </message>
    <message>
      <source>the folder is not empty</source>
      <translation>der Ordner ist nicht leer</translation>
    </message>
    <message>
      <source>it cannot be moved directly to another drive</source>
      <translation>es kann nicht direkt auf ein anderes Laufwerk verschoben werden</translation>
    </message>
    <message>
      <source>the drive is not available; it may have been removed or not be mounted</source>
      <translation>das Laufwerk ist nicht verfügbar; vielleicht wurde es entfernt oder ist nicht eingehängt</translation>
    </message>
    <message>
      <source>the file or drive is in use by another program</source>
      <translation>die Datei oder das Laufwerk wird von einem anderen Programm verwendet</translation>
    </message>
    <message>
      <source>the file is too large for this drive</source>
      <translation>die Datei ist zu groß für dieses Laufwerk</translation>
    </message>
    <message>
      <source>there is not enough memory</source>
      <translation>es ist nicht genug Arbeitsspeicher frei</translation>
    </message>
    <message>
      <source>the path has too many symbolic links; a link may point to itself</source>
      <translation>der Pfad enthält zu viele symbolische Verknüpfungen; vielleicht zeigt eine auf sich selbst</translation>
    </message>
    <message>
      <source>the network drive or connection cannot be reached</source>
      <translation>das Netzlaufwerk oder die Verbindung ist nicht erreichbar</translation>
    </message>
    <message>
      <source>the connection to the other program was broken off</source>
      <translation>die Verbindung zum anderen Programm ist abgebrochen</translation>
    </message>
    <message>
      <source>the other program refused the connection</source>
      <translation>das andere Programm hat die Verbindung abgelehnt</translation>
    </message>
    <message>
      <source>the system's limit of watched folders is reached; close programs that watch many folders</source>
      <translation>die Höchstzahl überwachter Ordner des Systems ist erreicht; schließen Sie Programme, die viele Ordner überwachen</translation>
    </message>
    <message>
      <source>the operating system reported an unexpected error; see the details</source>
      <translation>das Betriebssystem hat einen unerwarteten Fehler gemeldet; siehe Details</translation>
    </message>
    <message>
      <source>“%1” could not be saved: %2. Choose another folder or name.</source>
      <translation>„%1“ konnte nicht gespeichert werden: %2. Wählen Sie einen anderen Ordner oder Namen.</translation>
    </message>
    <message>
      <source>“%1” could not be read: %2.</source>
      <translation>„%1“ konnte nicht gelesen werden: %2.</translation>
    </message>
    <message>
      <source>Cannot create or use the data directory %1: %2. Check its permissions, or choose another one with --data-dir.</source>
      <translation>Das Datenverzeichnis %1 kann nicht angelegt oder genutzt werden: %2. Prüfen Sie seine Berechtigungen oder wählen Sie mit --data-dir ein anderes.</translation>
    </message>
    <message>
      <source>Cannot create the offline copy %1: %2. Check the permissions of the data directory, or choose another one with --data-dir.</source>
      <translation>Die Offline-Kopie %1 kann nicht angelegt werden: %2. Prüfen Sie die Berechtigungen des Datenverzeichnisses oder wählen Sie mit --data-dir ein anderes.</translation>
    </message>
    <message>
      <source>Cannot read the offline copy %1: %2.</source>
      <translation>Die Offline-Kopie %1 kann nicht gelesen werden: %2.</translation>
    </message>
    <message>
      <source>Gremalda cannot read or write its offline copy %1: %2. Check the disk space and the permissions of the data directory.</source>
      <translation>Gremalda kann seine Offline-Kopie %1 nicht lesen oder schreiben: %2. Prüfen Sie den freien Speicherplatz und die Berechtigungen des Datenverzeichnisses.</translation>
    </message>
    <message>
      <source>The documents could not be stored on this device: %2.</source>
      <translation>Die Dokumente konnten nicht auf diesem Gerät gespeichert werden: %2.</translation>
    </message>
    <message>
      <source>The documents stored on this device could not be read: %2.</source>
      <translation>Die auf diesem Gerät gespeicherten Dokumente konnten nicht gelesen werden: %2.</translation>
    </message>
  </context>
  <context>
    <name>OutlineTree</name>
    <message>
      <source>Document outline</source>
      <translation>Gliederung des Dokuments</translation>
    </message>
    <message>
      <source>(untitled)</source>
      <translation>(ohne Titel)</translation>
    </message>
    <message>
      <source>Page %1</source>
      <translation>Seite %1</translation>
    </message>
  </context>
  <context>
    <name>PageArea</name>
    <message>
      <source>Document pages</source>
      <translation>Seiten des Dokuments</translation>
    </message>
    <message>
      <source>Page Up and Page Down turn pages; Ctrl+plus and Ctrl+minus zoom; Ctrl+F finds text.</source>
      <translation>Bild auf und Bild ab blättern; Strg+Plus und Strg+Minus zoomen; Strg+F sucht Text.</translation>
    </message>
    <message>
      <source>This page could not be displayed (the PDF is probably damaged).</source>
      <translation>Diese Seite konnte nicht angezeigt werden (das PDF ist wahrscheinlich beschädigt).</translation>
    </message>
  </context>
  <context>
    <name>PublishConfirmation</name>
    <message>
      <source>Publish “%1”? Its folder becomes the electronic invitation for the members and deputies of the committee who have Gremalda access. Who has no access could not be checked now.</source>
      <translation>„%1“ veröffentlichen? Die Sitzungsmappe wird die elektronische Einladung für die Mitglieder und Stellvertretungen des Gremiums mit Gremalda-Zugang. Wer keinen Zugang hat, ließ sich gerade nicht prüfen.</translation>
    </message>
    <message numerus="yes">
      <source>Publish “%1”? Its folder becomes the electronic invitation for the %n member(s) and deputies of the committee with Gremalda access.</source>
      <translation>
        <numerusform>„%1“ veröffentlichen? Die Sitzungsmappe wird die elektronische Einladung für %n Mitglied oder Stellvertretung des Gremiums mit Gremalda-Zugang.</numerusform>
        <numerusform>„%1“ veröffentlichen? Die Sitzungsmappe wird die elektronische Einladung für die %n Mitglieder und Stellvertretungen des Gremiums mit Gremalda-Zugang.</numerusform>
      </translation>
    </message>
    <message>
      <source>Publish “%1”? Nobody in the committee has Gremalda access: nobody receives the folder as the electronic invitation.</source>
      <translation>„%1“ veröffentlichen? Niemand im Gremium hat Gremalda-Zugang: niemand erhält die Sitzungsmappe als elektronische Einladung.</translation>
    </message>
    <message numerus="yes">
      <source>%n without Gremalda access – please invite them another way: %1.</source>
      <translation>
        <numerusform>%n ohne Gremalda-Zugang – bitte auf anderem Weg laden: %1.</numerusform>
        <numerusform>%n ohne Gremalda-Zugang – bitte auf anderem Weg laden: %1.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n without Gremalda access – please invite them another way.</source>
      <translation>
        <numerusform>%n ohne Gremalda-Zugang – bitte auf anderem Weg laden.</numerusform>
        <numerusform>%n ohne Gremalda-Zugang – bitte auf anderem Weg laden.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Notice deadline (%n day(s) before the meeting): %1.</source>
      <translation>
        <numerusform>Ladungsfrist (%n Tag vor der Sitzung): %1.</numerusform>
        <numerusform>Ladungsfrist (%n Tage vor der Sitzung): %1.</numerusform>
      </translation>
    </message>
    <message>
      <source>This deadline has passed already.</source>
      <translation>Diese Frist ist bereits verstrichen.</translation>
    </message>
    <message>
      <source>Publish meeting</source>
      <translation>Sitzung veröffentlichen</translation>
    </message>
    <message>
      <source>Publish</source>
      <translation>Veröffentlichen</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
  </context>
  <context>
    <name>SearchPanel</name>
    <message>
      <source>page %1</source>
      <translation>Seite %1</translation>
    </message>
    <message>
      <source>(1 more page with hits)</source>
      <translation>(1 weitere Seite mit Treffern)</translation>
    </message>
    <message>
      <source>(%1 more pages with hits)</source>
      <translation>(%1 weitere Seiten mit Treffern)</translation>
    </message>
    <message>
      <source>non-public</source>
      <translation>nicht öffentlich</translation>
    </message>
    <message>
      <source>Search all documents</source>
      <translation>Alle Dokumente durchsuchen</translation>
    </message>
    <message>
      <source>Search query</source>
      <translation>Suchbegriffe</translation>
    </message>
    <message>
      <source>Words to find in all documents; Down moves to the hits, Enter opens the first one</source>
      <translation>Wörter, die in allen Dokumenten gesucht werden; Pfeil nach unten führt zu den Treffern, die Eingabetaste öffnet den ersten</translation>
    </message>
    <message>
      <source>Filters</source>
      <translation>Filter</translation>
    </message>
    <message>
      <source>Show filters</source>
      <translation>Filter anzeigen</translation>
    </message>
    <message>
      <source>Search filters</source>
      <translation>Suchfilter</translation>
    </message>
    <message>
      <source>Committee filter</source>
      <translation>Filter nach Gremium</translation>
    </message>
    <message>
      <source>Document kind filter</source>
      <translation>Filter nach Dokumentart</translation>
    </message>
    <message>
      <source>Public or non-public filter</source>
      <translation>Filter öffentlich oder nicht öffentlich</translation>
    </message>
    <message>
      <source>Public and non-public</source>
      <translation>Öffentlich und nicht öffentlich</translation>
    </message>
    <message>
      <source>Public only</source>
      <translation>Nur öffentlich</translation>
    </message>
    <message>
      <source>Non-public only</source>
      <translation>Nur nicht öffentlich</translation>
    </message>
    <message>
      <source>From date</source>
      <translation>Ab Datum</translation>
    </message>
    <message>
      <source>To date</source>
      <translation>Bis Datum</translation>
    </message>
    <message>
      <source>Reset filters</source>
      <translation>Filter zurücksetzen</translation>
    </message>
    <message>
      <source>&amp;Committee:</source>
      <translation>&amp;Gremium:</translation>
    </message>
    <message>
      <source>&amp;Kind:</source>
      <translation>Dokument&amp;art:</translation>
    </message>
    <message>
      <source>&amp;Visibility:</source>
      <translation>&amp;Sichtbarkeit:</translation>
    </message>
    <message>
      <source>&amp;Dates:</source>
      <translation>&amp;Zeitraum:</translation>
    </message>
    <message>
      <source>Search status</source>
      <translation>Suchstatus</translation>
    </message>
    <message>
      <source>Search results</source>
      <translation>Suchergebnisse</translation>
    </message>
    <message>
      <source>Type words to search all documents.</source>
      <translation>Geben Sie Wörter ein, um alle Dokumente zu durchsuchen.</translation>
    </message>
    <message>
      <source>Searching…</source>
      <translation>Suche läuft …</translation>
    </message>
    <message>
      <source>any</source>
      <translation>beliebig</translation>
    </message>
    <message>
      <source>All committees</source>
      <translation>Alle Gremien</translation>
    </message>
    <message>
      <source>All kinds of documents</source>
      <translation>Alle Dokumentarten</translation>
    </message>
    <message numerus="yes">
      <source>No hits with these filters; %n page(s) without them.</source>
      <translation>
        <numerusform>Keine Treffer mit diesen Filtern; %n Seite ohne sie.</numerusform>
        <numerusform>Keine Treffer mit diesen Filtern; %n Seiten ohne sie.</numerusform>
      </translation>
    </message>
    <message>
      <source>No document contains these words.</source>
      <translation>Kein Dokument enthält diese Wörter.</translation>
    </message>
    <message numerus="yes">
      <source>%n page(s)</source>
      <translation>
        <numerusform>%n Seite</numerusform>
        <numerusform>%n Seiten</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n document(s)</source>
      <translation>
        <numerusform>%n Dokument</numerusform>
        <numerusform>%n Dokumente</numerusform>
      </translation>
    </message>
    <message>
      <source>%1 in %2</source>
      <translation>%1 in %2</translation>
    </message>
    <message>
      <source>(the best %1 shown)</source>
      <translation>(die besten %1 angezeigt)</translation>
    </message>
    <message>
      <source>Search failed: %1</source>
      <translation>Suche fehlgeschlagen: %1</translation>
    </message>
    <message>
      <source>Search failed.</source>
      <translation>Suche fehlgeschlagen.</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <source>Settings</source>
      <translation>Einstellungen</translation>
    </message>
    <message>
      <source> min</source>
      <translation> Min.</translation>
    </message>
    <message>
      <source>Synchronise every (minutes)</source>
      <translation>Synchronisieren alle (Minuten)</translation>
    </message>
    <message>
      <source>Start documents in &amp;night mode</source>
      <translation>Dokumente im &amp;Nachtmodus öffnen</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>Sprache</translation>
    </message>
    <message>
      <source>As the system</source>
      <translation>Wie das System</translation>
    </message>
    <message>
      <source>Offline copy (data directory)</source>
      <translation>Offline-Kopie (Datenverzeichnis)</translation>
    </message>
    <message>
      <source>&amp;Synchronise every:</source>
      <translation>&amp;Synchronisieren alle:</translation>
    </message>
    <message>
      <source>&amp;Language:</source>
      <translation>&amp;Sprache:</translation>
    </message>
    <message>
      <source>&amp;Offline copy:</source>
      <translation>&amp;Offline-Kopie:</translation>
    </message>
    <message>
      <source>A new language takes effect when Gremalda starts again.</source>
      <translation>Eine neue Sprache gilt ab dem nächsten Start von Gremalda.</translation>
    </message>
    <message>
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
  </context>
  <context>
    <name>StatusBar</name>
    <message>
      <source>Synchronisation off</source>
      <translation>Synchronisation aus</translation>
    </message>
    <message>
      <source>Synchronisation progress</source>
      <translation>Fortschritt der Synchronisierung</translation>
    </message>
    <message>
      <source>Annotations kept without their place, or to be checked in a new version: show them</source>
      <translation>Anmerkungen ohne ihren Platz oder in einer neuen Fassung zu prüfen: anzeigen</translation>
    </message>
    <message>
      <source>Not synchronised yet</source>
      <translation>Noch nicht synchronisiert</translation>
    </message>
    <message>
      <source>Connecting…</source>
      <translation>Verbinde …</translation>
    </message>
    <message>
      <source>Online</source>
      <translation>Online</translation>
    </message>
    <message>
      <source>Offline</source>
      <translation>Offline</translation>
    </message>
    <message>
      <source>Connection: %1</source>
      <translation>Verbindung: %1</translation>
    </message>
    <message>
      <source>Server not answering…</source>
      <translation>Server antwortet nicht …</translation>
    </message>
    <message>
      <source>The server has not answered yet. Your documents stay readable, and your changes are kept until they can be sent.</source>
      <translation>Der Server hat noch nicht geantwortet. Ihre Dokumente bleiben lesbar, und Ihre Änderungen werden aufbewahrt, bis sie gesendet werden können.</translation>
    </message>
    <message>
      <source>Last sync: %1</source>
      <translation>Zuletzt synchronisiert: %1</translation>
    </message>
    <message numerus="yes">
      <source>%n document(s) not downloaded yet</source>
      <translation>
        <numerusform>%n Dokument noch nicht geladen</numerusform>
        <numerusform>%n Dokumente noch nicht geladen</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n change(s) waiting to be sent</source>
      <translation>
        <numerusform>%n Änderung wartet auf das Senden</numerusform>
        <numerusform>%n Änderungen warten auf das Senden</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n annotation(s) need attention</source>
      <translation>
        <numerusform>%n Anmerkung braucht Aufmerksamkeit</numerusform>
        <numerusform>%n Anmerkungen brauchen Aufmerksamkeit</numerusform>
      </translation>
    </message>
    <message>
      <source>Synchronising…</source>
      <translation>Synchronisiere …</translation>
    </message>
    <message>
      <source>Indexing documents: %1 of %2</source>
      <translation>Dokumente indizieren: %1 von %2</translation>
    </message>
    <message>
      <source>Downloading documents: %1 of %2</source>
      <translation>Dokumente laden: %1 von %2</translation>
    </message>
    <message numerus="yes">
      <source>Fetching changes: %n</source>
      <translation>
        <numerusform>Änderungen holen: %n</numerusform>
        <numerusform>Änderungen holen: %n</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ThumbnailList</name>
    <message>
      <source>Page thumbnails</source>
      <translation>Seitenvorschau</translation>
    </message>
  </context>
  <context>
    <name>ThumbnailModel</name>
    <message>
      <source>Page %1</source>
      <translation>Seite %1</translation>
    </message>
  </context>
  <context>
    <name>UploadQueue</name>
    <message>
      <source>Documents checked and uploaded</source>
      <translation>Geprüfte und hochgeladene Dokumente</translation>
    </message>
    <message>
      <source>Upload progress</source>
      <translation>Fortschritt des Hochladens</translation>
    </message>
    <message>
      <source>S&amp;top upload</source>
      <translation>Hochladen s&amp;toppen</translation>
    </message>
    <message>
      <source>Uploads:</source>
      <translation>Hochladen:</translation>
    </message>
    <message>
      <source>%1: checking…</source>
      <translation>%1: wird geprüft…</translation>
    </message>
    <message>
      <source>%1: refused — %2</source>
      <translation>%1: abgelehnt — %2</translation>
    </message>
    <message>
      <source>%1: %2 — uploading…</source>
      <translation>%1: %2 — wird hochgeladen…</translation>
    </message>
    <message>
      <source>%1: %2 — attached</source>
      <translation>%1: %2 — angehängt</translation>
    </message>
    <message>
      <source>%1: stopped — attach it again to continue where it stopped</source>
      <translation>%1: gestoppt — hängen Sie es noch einmal an, um dort fortzufahren, wo es aufgehört hat</translation>
    </message>
    <message>
      <source>%1: not attached — %2</source>
      <translation>%1: nicht angehängt — %2</translation>
    </message>
    <message numerus="yes">
      <source>%n page(s)</source>
      <translation>
        <numerusform>%n Seite</numerusform>
        <numerusform>%n Seiten</numerusform>
      </translation>
    </message>
    <message>
      <source>encrypted</source>
      <translation>verschlüsselt</translation>
    </message>
    <message>
      <source>repaired</source>
      <translation>repariert</translation>
    </message>
    <message>
      <source>damaged</source>
      <translation>beschädigt</translation>
    </message>
    <message numerus="yes">
      <source>scan without text on %n page(s)</source>
      <translation>
        <numerusform>Scan ohne Text auf %n Seite</numerusform>
        <numerusform>Scan ohne Text auf %n Seiten</numerusform>
      </translation>
    </message>
    <message>
      <source>text can be searched</source>
      <translation>Text durchsuchbar</translation>
    </message>
  </context>
  <context>
    <name>VersionBar</name>
    <message>
      <source>&amp;Open</source>
      <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
      <source>Close the message</source>
      <translation>Hinweis schließen</translation>
    </message>
    <message>
      <source>New version: %1</source>
      <translation>Neue Fassung: %1</translation>
    </message>
    <message>
      <source>This version was replaced by a new one.</source>
      <translation>Diese Fassung wurde durch eine neue ersetzt.</translation>
    </message>
    <message>
      <source>It is not downloaded yet; it arrives with the next synchronisation.</source>
      <translation>Sie ist noch nicht heruntergeladen; sie kommt mit der nächsten Synchronisierung.</translation>
    </message>
    <message>
      <source>&amp;Open the new version</source>
      <translation>Neue Fassung ö&amp;ffnen</translation>
    </message>
    <message>
      <source>Show the new version in this tab, at the same page, with your annotations moved there</source>
      <translation>Die neue Fassung in diesem Tab auf derselben Seite zeigen, mit Ihren dorthin übernommenen Anmerkungen</translation>
    </message>
    <message>
      <source>This document was updated; you see the new content.</source>
      <translation>Dieses Dokument wurde aktualisiert; Sie sehen den neuen Inhalt.</translation>
    </message>
    <message>
      <source>Change: %1</source>
      <translation>Änderung: %1</translation>
    </message>
  </context>
  <context>
    <name>VisibilityBox</name>
    <message>
      <source>Visible to</source>
      <translation>Sichtbar für</translation>
    </message>
    <message>
      <source>Who sees this annotation</source>
      <translation>Wer diese Anmerkung sieht</translation>
    </message>
  </context>
  <context>
    <name>VisibilityPicker</name>
    <message>
      <source>Only me</source>
      <translation>Nur ich</translation>
    </message>
    <message>
      <source>Faction</source>
      <translation>Fraktion</translation>
    </message>
    <message>
      <source>Committee</source>
      <translation>Gremium</translation>
    </message>
    <message>
      <source>&amp;Only me</source>
      <translation>&amp;Nur ich</translation>
    </message>
    <message>
      <source>&amp;Faction</source>
      <translation>&amp;Fraktion</translation>
    </message>
    <message>
      <source>&amp;Committee</source>
      <translation>&amp;Gremium</translation>
    </message>
    <message>
      <source>Visible to: Only me</source>
      <translation>Sichtbar für: Nur ich</translation>
    </message>
    <message>
      <source>Visible to: Faction</source>
      <translation>Sichtbar für: Fraktion</translation>
    </message>
    <message>
      <source>Visible to: Committee</source>
      <translation>Sichtbar für: Gremium</translation>
    </message>
    <message>
      <source>Only you, on all your devices</source>
      <translation>Nur Sie, auf allen Ihren Geräten</translation>
    </message>
    <message>
      <source>You and the members of your faction who may see the document</source>
      <translation>Sie und die Mitglieder Ihrer Fraktion, die das Dokument sehen dürfen</translation>
    </message>
    <message>
      <source>Everyone who may see the document (the committee's members)</source>
      <translation>Alle, die das Dokument sehen dürfen (die Mitglieder des Gremiums)</translation>
    </message>
    <message>
      <source>A private copy stays on this device: it is not shared with anyone.</source>
      <translation>Eine private Kopie bleibt auf diesem Gerät und wird mit niemandem geteilt.</translation>
    </message>
    <message>
      <source>Annotations on documents of an OParl source stay private on this device.</source>
      <translation>Anmerkungen zu Dokumenten einer OParl-Quelle bleiben privat auf diesem Gerät.</translation>
    </message>
    <message>
      <source>You are in no faction.</source>
      <translation>Sie gehören keiner Fraktion an.</translation>
    </message>
    <message>
      <source>%1 (not possible: %2)</source>
      <translation>%1 (nicht möglich: %2)</translation>
    </message>
    <message>
      <source>Visible to (new annotations)</source>
      <translation>Sichtbar für (neue Anmerkungen)</translation>
    </message>
    <message>
      <source>Who sees new annotations</source>
      <translation>Wer neue Anmerkungen sieht</translation>
    </message>
    <message>
      <source>Who sees your new annotations: %1</source>
      <translation>Wer Ihre neuen Anmerkungen sieht: %1</translation>
    </message>
  </context>
</TS>
