"""The workstation's Qt application shell: theme, login flow, main window, worklist panel."""
