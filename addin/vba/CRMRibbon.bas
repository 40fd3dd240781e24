Attribute VB_Name = "CRMRibbon"
Option Explicit
' Ribbon callbacks of the CRM tab (customUI/customUI14.xml).
' Every button calls OnRibbonAction with its id; Python decides what the id means
' (addin.ribbon.dispatch runs whitelisted actions only).

Public Sub OnRibbonAction(control As IRibbonControl)
    RunPython "import addin.ribbon; addin.ribbon.dispatch('" & control.Id & "')"
End Sub
