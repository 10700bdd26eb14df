# No models: this app builds on the others.
