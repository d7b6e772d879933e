"""The clerk's commands: new, import (sheets → rows → files), export and fmt."""
