"""Score <-> tensor code of the studio: the Sketch type, encodings, corpus loading, MIDI/MusicXML I/O."""
