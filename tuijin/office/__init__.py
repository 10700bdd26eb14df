"""Office documents laid out as Chinese official documents (公文, GB/T 9704-2012): Word, its PDF, and the fonts.

Pure Python (python-docx, LibreOffice for PDF), no Django: bulletins, commendation lists and any other document
the system prints use it, so every document looks the same.

    doc = OfficialDocument(issuer="淮安经济技术开发区管理委员会", doc_number="淮经开办〔2023〕12号")
    doc.red_head()                              # 发文机关标志 in red, 发文字号, the red rule
    doc.title("关于2023年1—6月经济运行情况的通报")
    doc.addressee("各部门、各街道(园区):")
    doc.heading("一、主要经济指标完成情况")        # 黑体; doc.heading(…, level=2) for (一) 楷体
    doc.paragraph("1—6月,全区完成一般公共预算收入18.56亿元……")
    doc.table(["指标", "本年累计"], [["一般公共预算收入", "18.56"]], numeric=[1])
    doc.signature(date(2023, 7, 5))              # the issuer and the date, right
    data = doc.to_bytes();  pdf = docx_to_pdf(data)
"""
from tuijin.office.pdf import PdfUnavailable, docx_to_pdf, libreoffice
from tuijin.office.word import BODY_FONT, HEADING_FONT, KAITI, TITLE_FONT, OfficialDocument, clean, text_width

__all__ = ["BODY_FONT", "HEADING_FONT", "KAITI", "TITLE_FONT", "OfficialDocument", "PdfUnavailable", "clean",
           "docx_to_pdf", "libreoffice", "text_width"]
