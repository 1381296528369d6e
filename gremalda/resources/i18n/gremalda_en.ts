<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB">
  <context>
    <name>AgendaEditor</name>
    <message numerus="yes">
      <source>Notice deadline (%n day(s)): %1</source>
      <translation>
        <numerusform>Notice deadline (%n day): %1</numerusform>
        <numerusform>Notice deadline (%n days): %1</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>AgendaView</name>
    <message numerus="yes">
      <source>E-file · %n process(es)</source>
      <translation>
        <numerusform>E-file · %n process</numerusform>
        <numerusform>E-file · %n processes</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n document(s)</source>
      <translation>
        <numerusform>%n document</numerusform>
        <numerusform>%n documents</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>AnnotationCommands</name>
    <message numerus="yes">
      <source>%n annotation(s) kept without their place: see Annotations → Orphaned annotations.</source>
      <translation>
        <numerusform>%n annotation kept without its place: see Annotations → Orphaned annotations.</numerusform>
        <numerusform>%n annotations kept without their place: see Annotations → Orphaned annotations.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Saved as %1 with %n annotation(s).</source>
      <translation>
        <numerusform>Saved as %1 with %n annotation.</numerusform>
        <numerusform>Saved as %1 with %n annotations.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>XFDF imported: %n new annotation(s)</source>
      <translation>
        <numerusform>XFDF imported: %n new annotation</numerusform>
        <numerusform>XFDF imported: %n new annotations</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n changed</source>
      <translation>
        <numerusform>%n changed</numerusform>
        <numerusform>%n changed</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n unchanged</source>
      <translation>
        <numerusform>%n unchanged</numerusform>
        <numerusform>%n unchanged</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n of others left as they are</source>
      <translation>
        <numerusform>%n of someone else left as it is</numerusform>
        <numerusform>%n of others left as they are</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n of kinds Gremalda does not have skipped</source>
      <translation>
        <numerusform>%n of a kind Gremalda does not have skipped</numerusform>
        <numerusform>%n of kinds Gremalda does not have skipped</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>AnnotationPanel</name>
    <message numerus="yes">
      <source>%n annotation(s)</source>
      <translation>
        <numerusform>%n annotation</numerusform>
        <numerusform>%n annotations</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ClerkText</name>
    <message numerus="yes">
      <source>%n page(s) without text, only images (a scan without text recognition: not searchable): page %1.</source>
      <translation>
        <numerusform>%n page without text, only images (a scan without text recognition: not searchable): page %1.</numerusform>
        <numerusform>%n pages without text, only images (a scan without text recognition: not searchable): page %1.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>DeliveryDialog</name>
    <message numerus="yes">
      <source>%n late</source>
      <translation>
        <numerusform>%n late</numerusform>
        <numerusform>%n late</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n missing</source>
      <translation>
        <numerusform>%n missing</numerusform>
        <numerusform>%n missing</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n pending</source>
      <translation>
        <numerusform>%n pending</numerusform>
        <numerusform>%n pending</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n without account</source>
      <translation>
        <numerusform>%n without account</numerusform>
        <numerusform>%n without account</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>DocumentVersions</name>
    <message numerus="yes">
      <source>%n annotation(s) moved to the new version</source>
      <translation>
        <numerusform>%n annotation moved to the new version</numerusform>
        <numerusform>%n annotations moved to the new version</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n annotation(s) need your attention</source>
      <translation>
        <numerusform>%n annotation needs your attention</numerusform>
        <numerusform>%n annotations need your attention</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ErrorReporter</name>
    <message numerus="yes">
      <source>This happened %n more time(s).</source>
      <translation>
        <numerusform>This happened %n more time.</numerusform>
        <numerusform>This happened %n more times.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message numerus="yes">
      <source>Fetching %n document(s) of this meeting…</source>
      <translation>
        <numerusform>Fetching %n document of this meeting…</numerusform>
        <numerusform>Fetching %n documents of this meeting…</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n document(s) not downloaded.</source>
      <translation>
        <numerusform>%n document not downloaded.</numerusform>
        <numerusform>%n documents not downloaded.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n document(s) could not be downloaded; they are tried again later.</source>
      <translation>
        <numerusform>%n document could not be downloaded; they are tried again later.</numerusform>
        <numerusform>%n documents could not be downloaded; they are tried again later.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n new document(s)</source>
      <translation>
        <numerusform>%n new document</numerusform>
        <numerusform>%n new documents</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n changed document(s)</source>
      <translation>
        <numerusform>%n changed document</numerusform>
        <numerusform>%n changed documents</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>NavigationTree</name>
    <message numerus="yes">
      <source>%n agenda item(s)</source>
      <translation>
        <numerusform>%n agenda item</numerusform>
        <numerusform>%n agenda items</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n not public</source>
      <translation>
        <numerusform>%n not public</numerusform>
        <numerusform>%n not public</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>OParlDialog</name>
    <message numerus="yes">
      <source>%1 — %n meeting(s)</source>
      <translation>
        <numerusform>%1 — %n meeting</numerusform>
        <numerusform>%1 — %n meetings</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>OrphanDialog</name>
    <message numerus="yes">
      <source>%n annotation(s) kept without their place.</source>
      <translation>
        <numerusform>%n annotation kept without its place.</numerusform>
        <numerusform>%n annotations kept without their place.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Delete %n annotation(s)? They are deleted on your other devices too. Export them first if you may still need them.</source>
      <translation>
        <numerusform>Delete %n annotation? It is deleted on your other devices too. Export it first if you may still need it.</numerusform>
        <numerusform>Delete %n annotations? They are deleted on your other devices too. Export them first if you may still need them.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n annotation(s) deleted.</source>
      <translation>
        <numerusform>%n annotation deleted.</numerusform>
        <numerusform>%n annotations deleted.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n annotation(s) kept on this device only.</source>
      <translation>
        <numerusform>%n annotation kept on this device only.</numerusform>
        <numerusform>%n annotations kept on this device only.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>PublishConfirmation</name>
    <message numerus="yes">
      <source>Publish “%1”? Its folder becomes the electronic invitation for the %n member(s) and deputies of the committee with Gremalda access.</source>
      <translation>
        <numerusform>Publish “%1”? Its folder becomes the electronic invitation for the %n member or deputy of the committee with Gremalda access.</numerusform>
        <numerusform>Publish “%1”? Its folder becomes the electronic invitation for the %n members and deputies of the committee with Gremalda access.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n without Gremalda access – please invite them another way: %1.</source>
      <translation>
        <numerusform>%n without Gremalda access – please invite them another way: %1.</numerusform>
        <numerusform>%n without Gremalda access – please invite them another way: %1.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n without Gremalda access – please invite them another way.</source>
      <translation>
        <numerusform>%n without Gremalda access – please invite them another way.</numerusform>
        <numerusform>%n without Gremalda access – please invite them another way.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Notice deadline (%n day(s) before the meeting): %1.</source>
      <translation>
        <numerusform>Notice deadline (%n day before the meeting): %1.</numerusform>
        <numerusform>Notice deadline (%n days before the meeting): %1.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>SearchPanel</name>
    <message numerus="yes">
      <source>No hits with these filters; %n page(s) without them.</source>
      <translation>
        <numerusform>No hits with these filters; %n page without them.</numerusform>
        <numerusform>No hits with these filters; %n pages without them.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n page(s)</source>
      <translation>
        <numerusform>%n page</numerusform>
        <numerusform>%n pages</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n document(s)</source>
      <translation>
        <numerusform>%n document</numerusform>
        <numerusform>%n documents</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>StatusBar</name>
    <message numerus="yes">
      <source>%n document(s) not downloaded yet</source>
      <translation>
        <numerusform>%n document not downloaded yet</numerusform>
        <numerusform>%n documents not downloaded yet</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n change(s) waiting to be sent</source>
      <translation>
        <numerusform>%n change waiting to be sent</numerusform>
        <numerusform>%n changes waiting to be sent</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n annotation(s) need attention</source>
      <translation>
        <numerusform>%n annotation needs attention</numerusform>
        <numerusform>%n annotations need attention</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Fetching changes: %n</source>
      <translation>
        <numerusform>Fetching changes: %n</numerusform>
        <numerusform>Fetching changes: %n</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>UploadQueue</name>
    <message numerus="yes">
      <source>%n page(s)</source>
      <translation>
        <numerusform>%n page</numerusform>
        <numerusform>%n pages</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>scan without text on %n page(s)</source>
      <translation>
        <numerusform>scan without text on %n page</numerusform>
        <numerusform>scan without text on %n pages</numerusform>
      </translation>
    </message>
  </context>
</TS>
