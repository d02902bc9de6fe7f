"""The app's shell: start-up and navigation (main), the lab base (lab, runloop), the lab
registry, offline support and the learner's progress shared by several labs."""
